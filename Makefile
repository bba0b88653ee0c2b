# NET patient handouts. The two commands most people need:
#   make leaflets   build every handout, language and product into output/
#   make test       run the whole test suite
# Everything runs inside .venv, created here from pinned dependencies.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
# the test packages on top: stamped by both files, so editing either reinstalls them
TSTAMP := $(VENV)/.installed-test-$(shell cat requirements.txt requirements-test.txt | cksum | cut -d' ' -f1)
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
GEN    := $(PY) -m generator

.PHONY: leaflets print-pack test check status fonts extract update new-language compile pseudo bench clean help

help:
	@echo "make leaflets | site | print-pack [L=xx] | test | check | status | extract | update | new-language LANG=xx | compile | pseudo | bench | clean"

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) ..."
	@$(PIP) -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

# test-only packages (pytest, hypothesis, pdfua, ...): `make test` needs them, `make leaflets` does not
$(TSTAMP): $(STAMP) requirements-test.txt
	@echo "Installing pinned test packages into $(VENV) ..."
	@$(PIP) -r requirements-test.txt
	@rm -f $(VENV)/.installed-test-* && touch $@

venv: $(STAMP)

.PHONY: venv

## fonts: make static TrueType weights from the packaged variable fonts (cached in .cache/fonts)
fonts: $(STAMP)
	@$(GEN) fonts

## leaflets: build every handout x language x product into output/, each language on its region's paper
## (or clinic.toml's paper); PAPER=all builds both paper families, PAPER=a4 or letter one
PAPER ?=
leaflets: fonts
	@$(GEN) build $(if $(PAPER),--paper $(PAPER))

## site: the PDFs as `make leaflets` builds them, then the web edition in output/site/ linking them
## (docs/WEB.md); a language or handout left out of the PDFs is left out of the site, and the exit
## status says so
.PHONY: site
site: fonts
	@$(GEN) build $(if $(PAPER),--paper $(PAPER)); built=$$?; $(GEN) site && exit $$built

## print-pack: one PDF per language (L=xx for one), a cover with print settings, then every product
print-pack: fonts
	@$(GEN) print-pack $(if $(PAPER),--paper $(PAPER)) $(if $(L),--lang $(L))

## test: the whole suite, including `generator check` on the shipped content and catalogues
test: fonts $(TSTAMP)
	@$(GEN) check
	@$(PY) -m pytest

check: $(STAMP)
	@$(GEN) check

status: $(STAMP)
	@$(GEN) status

## Translator workflow (see docs/TRANSLATING.md)
extract: $(STAMP)
	@$(GEN) extract

update: extract
	@$(GEN) update

new-language: extract
	@test -n "$(L)" || (echo "usage: make new-language L=xx   (a locale code such as pt_BR)"; exit 2)
	@$(GEN) init $(L)

compile: $(STAMP)
	@$(GEN) compile

## review-pack: a PDF per handout for a health professional who reviews a language (L=en: the English content)
.PHONY: review-pack
review-pack: fonts
	@test -n "$(L)" || (echo "usage: make review-pack L=fr_CA [H=carcinoid-syndrome]   (L=en reviews the English)"; exit 2)
	@$(GEN) review-pack --lang $(L) $(if $(H),--handout $(H))

pseudo: extract
	@$(GEN) pseudo

## approve-visuals: after a deliberate design change, re-render the visual sample into tests/visual/refs/ (then look, commit)
.PHONY: approve-visuals
approve-visuals: fonts
	@$(PY) -m tests.visual.approve

bench: fonts
	@$(PY) bench/run.py

## bench-cold: only the cold start of `make bench`: a fresh clone's venv, fonts and build, timed per stage
.PHONY: bench-cold
bench-cold: $(STAMP)
	@$(PY) bench/run.py --cold

clean:
	rm -rf output/*.pdf output/*/ output/manifest.json .cache
