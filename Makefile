# make run   - set up (first time) and start the chat page (HOST=, PORT= to change where;
#              RAG_AUTH=USER:PASSWORD make run RUN_ARGS=--allow-upload to add articles from the page)
# make test  - set up (first time) and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 7860
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-quick index eval browser-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls a CUDA build of several GB
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py --host $(HOST) --port $(PORT) $(RUN_ARGS)

index: $(STAMP)
	$(BIN)/rag index

eval: $(STAMP)
	$(BIN)/rag eval

# Browser tests drive Debian's Chromium; a Playwright browser download is not possible here.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; }

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -v

test-quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

clean:
	rm -rf $(VENV) index/CURRENT index/v-* index/.build-* index/milvus.db
