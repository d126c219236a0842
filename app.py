"""Start the chat page: ``python app.py [--host H] [--port P] [--allow-upload] [--auth USER:PASSWORD] [--store milvus]``."""

import argparse
import logging
import sys
import time

from rag import serving
from rag.config import STORES


def main() -> None:
    parser = argparse.ArgumentParser(description="Korean news Q&A chat page")
    serving.add_arguments(parser)
    parser.add_argument("--store", choices=STORES, help="faiss (default, or RAG_STORE) or milvus (RAG_MILVUS_URI)")
    args = parser.parse_args()
    problem, auth = serving.check(args)  # before seconds of loading
    if problem:
        print(f"app.py: error: {problem}", file=sys.stderr)
        sys.exit(1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serving.quiet_libraries()
    started = time.perf_counter()
    from rag.pipeline import RagPipeline
    from rag.web import serve

    rag = RagPipeline.load(progress=True, read_only=args.replica, store=args.store)
    logging.getLogger("app").info("Model and index ready in %.1f s", time.perf_counter() - started)
    if args.replica:
        from rag.replica import IndexFollower

        IndexFollower(rag).start()
    serve(rag, args.host, args.port, allow_upload=args.allow_upload, auth=auth)


if __name__ == "__main__":
    main()
