"""Start the chat page: ``python app.py [--host H] [--port P]``."""

import argparse
import logging
import sys
import time

from rag.serving import port_problem


def main() -> None:
    parser = argparse.ArgumentParser(description="Korean news Q&A chat page")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    problem = port_problem(args.host, args.port)  # before seconds of loading
    if problem:
        print(f"app.py: error: {problem}", file=sys.stderr)
        sys.exit(1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    from rag.pipeline import RagPipeline
    from rag.web import serve

    rag = RagPipeline.load(progress=True)
    logging.getLogger("app").info("Model and index ready in %.1f s", time.perf_counter() - started)
    serve(rag, args.host, args.port)


if __name__ == "__main__":
    main()
