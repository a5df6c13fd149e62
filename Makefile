# dind-tools: one static library (lib/), five thin binaries (cmd/), Catch2 unit tests (tests/unit/).
CXX       ?= g++
PREFIX    ?= /usr/local
DESTDIR   ?=
SANITIZE  ?=
BUILD     ?= build

CXXFLAGS  ?= -O2 -g
CXXFLAGS  += -std=c++17 -Wall -Wextra -Wpedantic -Wshadow
CPPFLAGS  += -Ilib -MMD -MP -DSPDLOG_SHARED_LIB -DSPDLOG_COMPILED_LIB
LDLIBS    += -lcurl -lspdlog -lfmt -lpthread
ifneq ($(SANITIZE),)
CXXFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
LDFLAGS   += -fsanitize=$(SANITIZE)
BUILD     := build-san
endif

TOOLS     := dind-setup dind-register dind-prune dind-gc-report dind-recreate
LIB_SRC   := $(shell find lib -name '*.cpp' | sort)
LIB_OBJ   := $(LIB_SRC:%.cpp=$(BUILD)/%.o)
LIBRARY   := $(BUILD)/libdindtools.a
BINS      := $(TOOLS:%=bin/%)
UNIT_SRC  := $(shell find tests/unit -name '*.cpp' | sort)
UNIT_OBJ  := $(UNIT_SRC:%.cpp=$(BUILD)/%.o)
UNIT_BIN  := $(BUILD)/unit-tests
MANPAGES  := $(wildcard man/*.[1-8])
SCRIPTS   := $(shell grep -rlE '^\#!.*(ba)?sh' scripts tests .ci 2>/dev/null | sort)

.PHONY: all deps test unit demo lint format install uninstall clean bench
all: $(BINS)

$(BUILD)/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c $< -o $@

$(LIBRARY): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

bin/%: $(BUILD)/cmd/%.o $(LIBRARY)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $< $(LIBRARY) $(LDLIBS) -o $@

$(UNIT_BIN): $(UNIT_OBJ) $(LIBRARY)
	$(CXX) $(LDFLAGS) $(UNIT_OBJ) $(LIBRARY) $(LDLIBS) -o $@

deps:
	@scripts/install-deps

unit: $(UNIT_BIN)
	$(UNIT_BIN)

# Installs what is missing, builds, starts a throwaway engine, runs every test, stops the engine.
test: deps
	@scripts/install-deps --prometheus
	@$(MAKE) --no-print-directory -j$$(nproc) all $(UNIT_BIN)
	@scripts/run-tests $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@scripts/demo

bench: deps
	@$(MAKE) --no-print-directory -j$$(nproc) all
	@scripts/bench-prune

lint: deps
	@scripts/lint

format:
	clang-format -i $$(find cmd lib tests/unit -name '*.cpp' -o -name '*.h' | sort)

install: $(BINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	for m in $(MANPAGES); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(PREFIX)/bin/%)
	for m in $(MANPAGES); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

clean:
	rm -rf build build-san bin

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(TOOLS:%=$(BUILD)/cmd/%.d)
