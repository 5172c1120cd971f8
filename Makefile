# wswalk: the two commands are `make run` (the main demo) and `make test`.
# Every target works from a fresh clone; see README.md.

GO       ?= go
CHAPTER  ?= 05-gorilla-chat
BENCH    ?= .
BENCHTIME ?= 1s

.PHONY: test vet fmt-check run bench fuzz figures exercise exercises check-exercises

## test: vet, format check and every test of every chapter under the race detector
test:
	@scripts/test-env.sh $(MAKE) --no-print-directory vet fmt-check gotest

.PHONY: gotest
gotest:
	$(GO) test -race -count=1 work

vet:
	$(GO) vet work

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi

## run: the main demo (the chat room with the side-by-side page); CHAPTER=01-polling make run for another
run:
	$(GO) run ./$(CHAPTER)

## bench: the side-by-side benchmarks of every chapter (never part of make test)
bench:
	@scripts/test-env.sh $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) work

# --- class and slides: the two commands a teacher runs in front of a class ---
.PHONY: class slides

## class: build the six servers into bin/, run them all on 127.0.0.1:8001..8006, print where to go; Ctrl-C stops every one
class:
	@$(GO) build -o bin/class ./testkit/cmd/class && exec bin/class

## slides: serve the decks of slides/ with Go's present tool on loopback, offline, and print the URL (PRESENT_ADDR to change it)
slides:
	@slides/serve.sh
# --- end of class and slides ---

## figures: every measured figure with its day and its code's; says which are older than their code, then measures the quick ones again (FIGURES_FLAGS=-list to only list)
figures:
	@scripts/test-env.sh $(GO) run ./slides/cmd/figures $(FIGURES_FLAGS)

## exercise: check one exercise and print a short verdict, e.g. make exercise EX=02.1 (WATCH=1 to check again on each change)
exercise:
	@$(GO) run ./testkit/cmd/exercise $(if $(WATCH),-watch) $(EX)

## exercises: the progress table of every chapter's exercises
exercises:
	@$(GO) run ./testkit/cmd/exercise -list

## check-exercises: prove every exercise (a checker fails untouched and passes with the solution; a break fails as described)
check-exercises:
	@scripts/test-env.sh $(GO) run ./testkit/cmd/exercise -prove
