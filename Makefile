# `make test` and `make dev` are the two commands; both create the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SAM_VENV := .venv-sam
# `sam build` needs the functions' runtime (python3.13) on PATH: the SAM virtualenv
# is made with it, and its bin/ (python3.13 with pip) goes first on PATH.
SAM_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13))
CHECKOV_VENV := .venv-checkov
export SAM_CLI_TELEMETRY := 0

.PHONY: check test lint typecheck imports unit infra runtime-check dev bench fuzz reliability mutation clean

# The folders Lambda puts on sys.path (the layer and each function's CodeUri), for tools that import.
IMPORT_PATH := shared:functions/api:functions/ingest:functions/stream:.

$(STAMP): requirements-dev.txt shared/requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml

$(SAM_VENV)/.installed: requirements-sam.txt
	test -x $(SAM_VENV)/bin/python3.13 || $(SAM_PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet -r requirements-sam.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	touch $@

RUNTIME_VENV := .venv-runtime

$(RUNTIME_VENV)/.installed: requirements-runtime.txt shared/requirements.txt
	test -x $(RUNTIME_VENV)/bin/python3.13 || $(SAM_PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python -m pip install --quiet -r requirements-runtime.txt
	touch $@

# The domain package and both handlers under the Lambda runtime's Python version.
runtime-check: $(RUNTIME_VENV)/.installed
	$(RUNTIME_VENV)/bin/python -m pytest -q tests/unit tests/integration/test_ingest_valid.py \
		tests/integration/test_ingest_rejections.py tests/integration/test_api_http.py

# The deployable artefact builds without containers, SAM's own linter and the
# checkov scanner pass (every suppression carries its reason in template.yaml).
infra: $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed
	PATH="$(CURDIR)/$(SAM_VENV)/bin:$$PATH" $(SAM_VENV)/bin/sam build --build-dir .aws-sam/build --cache-dir .aws-sam/cache --cached
	$(SAM_VENV)/bin/sam validate --lint --region us-east-1
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download

typecheck: $(STAMP)
	$(BIN)/mypy shared functions articlectl tests

# The layering as a checked contract (pyproject.toml, [tool.importlinter]).
imports: $(STAMP)
	PYTHONPATH=$(IMPORT_PATH) $(BIN)/lint-imports --no-cache

# Fast tests: no emulator, no subprocess.
unit: $(STAMP)
	POWERTOOLS_LOG_LEVEL=CRITICAL $(BIN)/python -m pytest -q tests/unit

# The inner loop (about a minute): lint, types, layering, unit tests.
check: lint typecheck imports unit

test: lint typecheck imports infra runtime-check
	$(BIN)/python -m pytest

# A longer schemathesis run than the one in `make test`.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} FUZZ_SEED=$${FUZZ_SEED:-$$RANDOM} $(BIN)/python -m pytest tests/e2e/test_api_fuzz.py

# The figures of docs/reliability.md, from a real run.
reliability: $(STAMP)
	POWERTOOLS_LOG_LEVEL=CRITICAL $(BIN)/python -m pytest -s -p no:randomly --hypothesis-show-statistics \
		tests/unit/test_parsing_properties.py tests/integration/test_round_trip_properties.py \
		tests/integration/test_convergence.py tests/integration/test_ingest_rejections.py \
		tests/integration/test_api_http.py tests/e2e/test_api_fuzz.py 2>&1 | tee reliability.log | \
		grep -E "passing|burst:|generated|passed|failed"

dev: $(STAMP)
	$(BIN)/python -m articlectl dev

bench: $(STAMP)
	$(BIN)/python -m bench

# Mutation testing (not part of `make test`): the core modules changed since main;
# MUTATION=--all for the whole core, MUTATION="--all --tier unit" for one tier,
# MUTATION=article_feed.domain.identity for one module.
$(VENV)/.mutation-installed: $(STAMP) requirements-mutation.txt
	$(BIN)/python -m pip install --quiet -r requirements-mutation.txt
	touch $@

mutation: $(VENV)/.mutation-installed
	$(BIN)/python -m mutation $(MUTATION)

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) $(RUNTIME_VENV) .pytest_cache .ruff_cache .mypy_cache .aws-sam
