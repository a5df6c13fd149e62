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

.PHONY: all deps test unit demo lint format install install-cron uninstall clean bench
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

# Installed under $(PREFIX): the binaries, every page in man/ (by its section), and the cron file and
# systemd units in $(SHAREDIR) as references; install-cron puts the cron file in $(CRONDIR). Paths
# in the files are written for PREFIX=/usr/local and rewritten for another PREFIX.
BINDIR    := $(PREFIX)/bin
MANDIR    := $(PREFIX)/share/man
SHAREDIR  := $(PREFIX)/share/dind-tools
CRONDIR   := /etc/cron.d
UNITS     := $(sort $(wildcard cron/systemd/*.service cron/systemd/*.timer))
MANSECTS  := $(sort $(subst .,,$(suffix $(MANPAGES))))
EDIT_PATHS = sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/usr/local/share/|$(PREFIX)/share/|g' \
	$(if $(filter /usr/local /usr,$(PREFIX)),,-e '/^PATH=/s|=|=$(BINDIR):|')

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(MANSECTS:%=$(DESTDIR)$(MANDIR)/man%) \
		$(DESTDIR)$(SHAREDIR)/cron.d $(DESTDIR)$(SHAREDIR)/systemd
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)/
	set -e; for m in $(MANPAGES); do \
		$(EDIT_PATHS) $$m >$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
		chmod 644 $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	set -e; for f in cron/dind-tools $(UNITS); do \
		case $$f in cron/dind-tools) d=cron.d ;; *) d=systemd ;; esac; \
		$(EDIT_PATHS) $$f >$(DESTDIR)$(SHAREDIR)/$$d/$${f##*/}; chmod 644 $(DESTDIR)$(SHAREDIR)/$$d/$${f##*/}; done

# An edited $(CRONDIR)/dind-tools (DIND_HOST set) is kept; the new one is in $(SHAREDIR)/cron.d.
install-cron:
	install -d $(DESTDIR)$(CRONDIR)
	$(EDIT_PATHS) cron/dind-tools >$(DESTDIR)$(CRONDIR)/.dind-tools.new
	@if [ -e $(DESTDIR)$(CRONDIR)/dind-tools ] && \
		! cmp -s $(DESTDIR)$(CRONDIR)/.dind-tools.new $(DESTDIR)$(CRONDIR)/dind-tools; then \
		rm -f $(DESTDIR)$(CRONDIR)/.dind-tools.new; \
		echo "install-cron: kept the existing $(DESTDIR)$(CRONDIR)/dind-tools, which differs from cron/dind-tools"; \
	else \
		chmod 644 $(DESTDIR)$(CRONDIR)/.dind-tools.new && \
		mv -f $(DESTDIR)$(CRONDIR)/.dind-tools.new $(DESTDIR)$(CRONDIR)/dind-tools; \
	fi

# Removes what install and install-cron placed: left behind, the cron file would run missing tools.
uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(foreach m,$(MANPAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -f $(DESTDIR)$(SHAREDIR)/cron.d/dind-tools $(UNITS:cron/systemd/%=$(DESTDIR)$(SHAREDIR)/systemd/%)
	rmdir $(DESTDIR)$(SHAREDIR)/cron.d $(DESTDIR)$(SHAREDIR)/systemd $(DESTDIR)$(SHAREDIR) 2>/dev/null || true
	rm -f $(DESTDIR)$(CRONDIR)/dind-tools

clean:
	rm -rf build build-san bin

-include $(LIB_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(TOOLS:%=$(BUILD)/cmd/%.d)
