PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: venv test demo bench clean

venv: $(STAMP)

$(VPY):
	$(PYTHON) -m venv $(VENV)

# Re-run the (slow) install only when the dependency spec changes.
$(STAMP): pyproject.toml constraints.txt | $(VPY)
	$(VPY) -m pip install --upgrade pip
	$(VPY) -m pip install -c constraints.txt -e ".[all,test]"
	touch $@

test: venv
	$(VPY) -m pytest

demo: venv
	$(VPY) examples/same_schedule_everywhere.py

bench: venv
	$(VPY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis out
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
