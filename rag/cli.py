"""The ``rag`` command: index, ask, eval. Thin: all behaviour lives in the package."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Sequence

from rag.config import EMBEDDING_BACKENDS, MAX_QUESTION_CHARS, PROJECT_ROOT, STORES

GOLDEN = PROJECT_ROOT / "tests" / "golden" / "qa.jsonl"
CONVERSATIONS = PROJECT_ROOT / "tests" / "golden" / "conversations.jsonl"
log = logging.getLogger("rag")


def _path(value: str) -> Path:
    """A folder argument; empty is refused, since pathlib reads it as the working directory (a
    stray ``--corpus ""`` would read the whole tree as articles)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from a folder of Korean news.")
    parser.add_argument("--corpus", type=_path, help="folder of .txt/.md articles (default: corpus/, or RAG_CORPUS_DIR)")
    parser.add_argument("--index", type=_path, help="index folder (default: RAG_INDEX_DIR, else index/ for corpus/ "
                                                   "and a folder of its own in ~/.cache/rag/indexes for any other corpus)")
    parser.add_argument("--model", help="sentence-transformers model folder, or an id already in the local Hugging "
                                        "Face cache (default: RAG_EMBEDDING_MODEL or the offline multilingual-e5-small)")
    parser.add_argument("--backend", choices=EMBEDDING_BACKENDS,
                        help="embedding backend (default: RAG_EMBEDDING_BACKEND or auto: ONNX Runtime when the model "
                             "can be exported, else torch; onnx-int8 is a quarter of the size but lowers answer "
                             "accuracy, and embeds no faster on CPUs without VNNI)")
    parser.add_argument("--store", choices=STORES, help="where passages and vectors are kept (default: RAG_STORE "
                                                        "or faiss; milvus uses RAG_MILVUS_URI, by default a Milvus "
                                                        "Lite file in the index folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)
    parser.set_defaults(command_parsers=sub.choices)  # so that an unknown option shows its command's usage

    p_index = sub.add_parser("index", help="build or refresh the index")
    p_index.add_argument("--rebuild", action="store_true", help="rebuild even when the index is current")
    p_index.add_argument("--strict", action="store_true", help="exit non-zero when a corpus file was skipped")
    p_index.add_argument("--retry-export", action="store_true",
                         help="forget an earlier failed ONNX export of the model and try it again")

    p_ask = sub.add_parser("ask", help="answer a question with citations")
    p_ask.add_argument("question", help="the question, or - to read it from standard input")
    p_ask.add_argument("--json", action="store_true", help="print the answer as JSON")

    sub.add_parser("chat", help="chat in the terminal: follow-ups build on earlier questions; /new, Ctrl-D")

    p_serve = sub.add_parser("serve", help="start the chat page")
    from rag.serving import add_arguments

    add_arguments(p_serve)

    p_eval = sub.add_parser("eval", help="score the golden Q&A set")
    p_eval.add_argument("--golden", type=Path, default=GOLDEN, help=f"golden JSONL file (default: {GOLDEN})")
    p_eval.add_argument("--split", choices=("train", "dev"), help="evaluate one split only")
    p_eval.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    p_eval.add_argument("--failures", action="store_true", help="also list the questions that went wrong")
    p_eval.add_argument("--baselines", action="store_true",
                        help="compare with the LangChain recipe, BM25 alone and dense alone (one table)")
    p_eval.add_argument("--squad", type=Path, help="score a SQuAD v1.1 file (e.g. KorQuAD) instead of the golden set: "
                                                   "its articles become a corpus of their own in the cache")
    p_eval.add_argument("--articles", type=int, help="with --squad: only the first N articles")
    p_eval.add_argument("--conversations", type=Path, nargs="?", const=CONVERSATIONS, metavar="FILE",
                        help="score the follow-up turns of golden conversations, with their history and alone "
                             f"(default file: {CONVERSATIONS})")

    p_bench = sub.add_parser("bench", help="speed and scale benchmark: report.json, report.md and a plot")
    p_bench.add_argument("--quick", action="store_true", help="tiny sizes and few questions (a smoke test, < 2 min)")
    p_bench.add_argument("--out", type=Path, help="folder for the report files (default: benchmarks/results/)")
    p_bench.add_argument("--sizes", help="corpus sizes for the scale section, e.g. 1k,10k,100k,1M "
                                         "(default: those four; quick: 1k,5k)")
    p_bench.add_argument("--store-sizes", help="corpus sizes for the FAISS-against-Milvus-Lite section "
                                               "(default 1k,10k,100k; quick 1k)")
    p_bench.add_argument("--questions", type=int, help="warm calls per measured function (default 252; quick 20)")
    p_bench.add_argument("--no-serve", action="store_true", help="do not start app.py to measure its memory")
    return parser


def _ignored_eval_options(args: argparse.Namespace) -> str | None:
    """Why the eval options given do not go together, if they do not: an option that would be
    silently ignored is refused instead."""
    if args.articles is not None and not args.squad:
        return "--articles counts the articles of --squad; give --squad FILE"
    if args.squad and args.conversations:
        return "--squad and --conversations score different sets; give one"
    if args.conversations and (args.baselines or args.golden.resolve() != GOLDEN.resolve()):
        return f"--conversations scores dialogues; {'--baselines' if args.baselines else '--golden'} is for the golden set"
    if args.squad and args.golden.resolve() != GOLDEN.resolve():
        return "--squad scores its own questions; --golden is for the golden set"
    return None


def _built_before(built_at: str, started: float) -> bool:
    """Whether the index was built before this command started (it was current: nothing was built)."""
    try:
        return datetime.strptime(built_at, "%Y-%m-%dT%H:%M:%S%z").timestamp() < int(started)
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    args, unknown = _parser().parse_known_args(argv)
    if unknown:
        args.command_parsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    logging.basicConfig(level=logging.INFO if args.verbose or args.command == "serve" else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        from rag.config import SETUP_LOG
        from rag.serving import quiet_libraries

        quiet_libraries()
        logging.getLogger(SETUP_LOG).setLevel(logging.INFO)  # a first run says what it is waiting for
    from rag.errors import RagError

    try:
        code = _run(args)
        sys.stdout.flush()  # inside the try: a reader that left shows here, not at exit
        return code
    except RagError as exc:  # the project's own errors say what to do: one line is enough
        return _fail(args, str(exc))
    except KeyboardInterrupt:
        print("rag: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `rag ask … | head`: the reader left; say nothing, and write no more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: its traceback matters, so -v shows it
        if args.verbose:
            raise
        return _fail(args, f"{type(exc).__name__}: {exc} (run with -v to see the traceback)")


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"rag: error: {message}", file=sys.stderr)
    if getattr(args, "json", False):  # a script reading stdout gets the error too
        print(json.dumps({"error": message}, ensure_ascii=False))
    return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "bench":
        return _bench(args)
    auth = None
    if args.command == "serve":
        from rag.errors import RagError
        from rag.serving import check

        problem, auth = check(args)  # before seconds of loading
        if problem:
            raise RagError(problem)
    from rag.pipeline import RagPipeline

    corpus_dir = args.corpus
    if args.command == "eval":
        from rag import evaluation

        ignored = _ignored_eval_options(args)
        if ignored:
            return _fail(args, ignored)
        if args.squad:
            from rag import squad

            squad_set = squad.load(args.squad, args.articles)
            items, corpus_dir = squad_set.items, squad_set.corpus_dir
        elif args.conversations:
            from rag import dialogues

            conversations = [d for d in dialogues.load(args.conversations) if d.split == (args.split or d.split)]
        else:
            items = evaluation.load_golden(args.golden)  # fail fast, before loading the model
        if args.split and not args.conversations:
            items = [i for i in items if i.split == args.split]
    if args.command == "ask":
        from rag.pipeline import validate_question

        if args.question == "-":
            args.question = sys.stdin.read(8 * MAX_QUESTION_CHARS + 1)
            if len(args.question) > 8 * MAX_QUESTION_CHARS:
                return _fail(args, f"The question on stdin is longer than {8 * MAX_QUESTION_CHARS:,} characters; "
                                   f"the limit is {MAX_QUESTION_CHARS:,}. Shorten it.")
        validate_question(args.question)  # fail fast, before loading the model
    if args.command == "index":  # it lists the files it skipped itself, once
        logging.getLogger("rag.corpus").setLevel(logging.ERROR)
    if args.command == "index" and args.retry_export:
        _forget_export_failure(args)
    started = time.time()
    rag = RagPipeline.load(corpus_dir, args.index, args.model, rebuild=getattr(args, "rebuild", False),
                           progress=args.command == "index" or bool(getattr(args, "squad", None)),
                           backend=args.backend, read_only=bool(getattr(args, "replica", False)), store=args.store)
    if args.command == "index":
        info = rag.info()
        where = rag.settings.milvus_uri if rag.settings.store == 'milvus' else rag.settings.index_dir
        current = _built_before(info.built_at, started)
        if current:
            print(f"The index in {where} is up to date: {len(info.documents)} document(s), {info.passages} passages "
                  f"with {info.model} ({info.index_type}), built {info.built_at}; nothing to embed.")
        else:
            print(f"Indexed {len(info.documents)} document(s), {info.passages} passages "
                  f"with {info.model} ({info.index_type}) in {where}, built {info.built_at}.")
        if info.update and not current:
            u = info.update
            print(f"That build embedded {u.get('passages_embedded')} passages and {u.get('sentences_embedded')} "
                  f"sentences, and reused the vectors of {u.get('passages_reused')} passages and "
                  f"{u.get('sentences_reused')} sentences.")
        for error in info.errors:
            print(f"skipped: {error}", file=sys.stderr)
        return 1 if info.errors and args.strict else 0
    if args.command == "chat":
        from rag import chat

        return chat.run(rag)
    if args.command == "serve":
        from rag.web import serve

        if args.replica:
            from rag.replica import IndexFollower

            IndexFollower(rag).start()
        serve(rag, args.host, args.port, allow_upload=args.allow_upload, auth=auth)
        return 0
    if args.command == "ask":
        from rag.render import answer_text

        answer = rag.ask(args.question)
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if args.json else answer_text(answer))
        return 0
    if args.conversations:
        report = dialogues.report(conversations, rag.ask, rag.retrieve, args.failures)
        print(json.dumps(report, ensure_ascii=False) if args.json else dialogues.table(report))
        return 0
    if args.baselines:
        from rag.baselines import compare, markdown

        rows = compare(rag, items)
        print(json.dumps(rows, ensure_ascii=False) if args.json else markdown(rows))
        return 0
    outcomes = evaluation.run(items, rag.ask, rag.retrieve, progress=bool(args.squad))
    report = evaluation.summarise(outcomes, [p.text for p in rag.passages])
    if args.squad:
        report["index"] = rag.info().build
        report["articles"] = squad_set.articles
    if args.failures:
        report["failures"] = evaluation.failures(outcomes)
    print(json.dumps(report, ensure_ascii=False) if args.json else evaluation.table(report))
    return 0


def _forget_export_failure(args: argparse.Namespace) -> None:
    from rag.config import Settings
    from rag.embeddings import resolve_model
    from rag.onnx_backend import OnnxUnavailable, forget_failure, inspect_model

    settings = Settings.from_env(embedding_model=args.model)
    try:
        spec = inspect_model(Path(resolve_model(settings.embedding_model)))
    except OnnxUnavailable as exc:
        print(f"{settings.embedding_model} cannot run on ONNX Runtime at all ({exc})", file=sys.stderr)
        return
    if forget_failure(spec):
        print("Forgot the failed ONNX export; trying it again.", file=sys.stderr)


def _bench(args: argparse.Namespace) -> int:
    """The benchmark lives in ``benchmarks/`` of a source checkout, outside the runtime package."""
    from rag.config import Settings
    from rag.errors import RagError

    if not (PROJECT_ROOT / "benchmarks" / "bench.py").is_file():
        raise RagError(f"rag bench runs from a source checkout: {PROJECT_ROOT / 'benchmarks'} is missing")
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from benchmarks import bench

    settings = Settings.from_env(corpus_dir=args.corpus, index_dir=args.index, embedding_model=args.model,
                                 embedding_backend=args.backend)
    options = bench.options_from(args.quick, args.out, args.sizes, args.questions, settings,
                                 serve=False if args.no_serve else None, store_sizes=args.store_sizes)
    report = bench.run(options)
    bench.print_summary(report, options.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
