PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: venv test demo bench docs clean

venv: $(STAMP) lrcore/adapters

# adapters/ is installed as lrcore.adapters (pyproject's package-dir). In the checkout the same
# mapping is this link, so that imports from the repository root, the editable install
# (compat mode: a plain path entry, which type checkers follow) and mypy all see one package.
lrcore/adapters:
	ln -sfn ../adapters lrcore/adapters

$(VPY):
	$(PYTHON) -m venv $(VENV)

# Re-run the (slow) install only when the dependency spec changes.
$(STAMP): pyproject.toml constraints.txt | $(VPY) lrcore/adapters
	$(VPY) -m pip install --upgrade pip
	$(VPY) -m pip install -c constraints.txt -e ".[all,test]" --config-settings editable_mode=compat
	touch $@

test: venv
	$(VPY) -m pytest

demo: venv
	$(VPY) examples/same_schedule_everywhere.py

bench: venv
	$(VPY) benchmarks/run.py

# The API reference and guides (mkdocs.yml, docs/), warnings as errors, into site/.
docs: venv
	$(VENV)/bin/mkdocs build --strict --site-dir site

clean:
	rm -rf $(VENV) build dist site *.egg-info .pytest_cache .hypothesis out
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
