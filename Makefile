# mentorconv - GNU make build.  `make` builds ./mentorconv; `make check`
# runs every test (and again under ASan+UBSan); see README.md.

PREFIX  ?= /usr/local
CC      ?= cc
# Every format's libraries, and the PDF backend's alone: those are linked
# into mentorconv-pdf.so, loaded when a PDF is first made (src/back/pdfmod.h).
BASE_PKGS := libcmark-gfm gumbo yaml-0.1 libzip libqrencode zlib libdeflate
PDF_PKGS  := fontconfig harfbuzz harfbuzz-subset fribidi
PKGS    := $(BASE_PKGS) $(PDF_PKGS)
# Only `mentorconv collect` reads PDFs (libqpdf) and DOCX (expat, and
# libzip's reader): compiled against, but loaded at run time when needed
# (src/util/dl.h), not at every start.  EPUB and DOCX are written with
# libzip (src/util/zip.c), loaded the same way (one table for the writer and
# collect's reader) when the first archive is written or read: a JSON
# or PDF run does not map libzip, libcrypto and libbz2.
DL_PKGS := libqpdf expat libzip
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) $(DL_PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BASE_LIBS  := $(shell pkg-config --libs $(BASE_PKGS) 2>/dev/null)
# The release program links the libraries that have a static archive
# (Debian's -dev packages ship them) statically: fewer files to map and
# relocate at every start.  Any that has none stays shared.
static_if = $(if $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a)),-l:lib$(1).a,-l$(1))
# Libraries built from Debian's own source of the same release when
# scripts/deps.sh has fetched it (build/third_party; scripts/third_party.sh
# says why each): libzip with deflate only, into the program (Debian's
# libzip.so loads libcrypto and libbz2); HarfBuzz without FreeType, GLib
# and Graphite2, and libharu without libpng, into the PDF module.  Without
# a tarball that library is the system's: src/util/zip.c loads libzip.so
# when an archive is made or read, and the module links libharfbuzz.so or
# libhpdf.so.  libzip is in neither case in MAIN_BASE_LIBS.
tp_tar = $(firstword $(wildcard build/third_party/$(1)_*.orig.tar.*))
LIBZIP_TAR := $(call tp_tar,libzip)
ifneq ($(LIBZIP_TAR),)
LIBZIP_DIR := build/third_party/libzip
LIBZIP_A   := $(LIBZIP_DIR)/lib/libzip.a
ZIP_CFLAGS := -DMC_ZIP_STATIC -I$(LIBZIP_DIR)/include
endif
HB_TAR := $(call tp_tar,harfbuzz)
ifneq ($(HB_TAR),)
HB_DIR    := build/third_party/harfbuzz
HB_A      := $(HB_DIR)/lib/libharfbuzz.a
HB_CFLAGS := -I$(HB_DIR)/include/harfbuzz
endif
HARU_TAR := $(call tp_tar,libharu)
ifneq ($(HARU_TAR),)
HARU_DIR    := build/third_party/libharu
HARU_A      := $(HARU_DIR)/lib/libhpdf.a
HARU_CFLAGS := -I$(HARU_DIR)/include
endif
# what the PDF backend links for HarfBuzz and libharu, either way
HB_LIBS   := $(if $(HB_A),$(HB_A),-lharfbuzz-subset -lharfbuzz)
HARU_LIBS := $(if $(HARU_A),$(HARU_A),-lhpdf)
THIRD_PARTY_A := $(LIBZIP_A) $(HB_A) $(HARU_A)
# before the system's include folders: the headers of what is linked
TP_CFLAGS := $(ZIP_CFLAGS) $(HB_CFLAGS) $(HARU_CFLAGS)
# libqrencode is linked by neither the program nor the PDF module:
# src/util/qrcode.c loads it when the first QR code is made.
MAIN_BASE_LIBS := $(foreach l,$(filter-out zip qrencode,$(patsubst -l%,%,$(filter -l%,$(BASE_LIBS)))),$(call static_if,$(l)))
# soname_of PKG,NAME: the soname of libNAME.so in PKG's libdir (dlopen's name)
soname_of = $(shell readelf -dW "$$(pkg-config --variable=libdir $(1) 2>/dev/null)/lib$(2).so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
DL_CFLAGS := $(foreach l,libqpdf:qpdf:QPDF expat:expat:EXPAT libzip:zip:ZIP fontconfig:fontconfig:FONTCONFIG libqrencode:qrencode:QRENCODE,$(if $(call soname_of,$(word 1,$(subst :, ,$(l))),$(word 2,$(subst :, ,$(l)))),-DMC_$(word 3,$(subst :, ,$(l)))_SONAME='"$(call soname_of,$(word 1,$(subst :, ,$(l))),$(word 2,$(subst :, ,$(l))))"'))

VERSION := 0.1.0
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
# the language, the program's settings and warnings: every build of it
BASE_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DMC_VERSION='"$(VERSION)"' -DMC_STYLEDIR='"$(PREFIX)/share/mentorconv/styles"' \
	-DMC_PDF_MODULE_DIR='"$(PREFIX)/lib/mentorconv"' $(WARN) $(CFLAGS)
ALL_CFLAGS = $(BASE_CFLAGS) $(TP_CFLAGS) $(PKG_CFLAGS) $(DL_CFLAGS) -Ibuild/gen
# everything (the unit tests, the ASan build and fuzzing link the PDF
# backend in, and the tests read archives back with libzip); the release
# program links MAIN_LIBS, the module PDF_LIBS
ZIP_LIBS   := $(if $(LIBZIP_A),$(LIBZIP_A) -lz,$(shell pkg-config --libs libzip 2>/dev/null))
LDLIBS  = $(filter-out -lzip -lharfbuzz -lharfbuzz-subset -lz,$(PKG_LIBS)) $(ZIP_LIBS) $(HB_LIBS) \
	$(HARU_LIBS) -lz -lhyphen -lunibreak -lpthread -lm -ldl
# --as-needed: no libpthread.so.0 (glibc has its functions in libc now),
# one file fewer to open and map at every start
MAIN_LIBS = -Wl,--as-needed -Wl,--start-group $(LIBZIP_A) $(MAIN_BASE_LIBS) -Wl,--end-group -lpthread -lm -ldl
# Into the module go HarfBuzz and libharu (built from source, above), and
# FriBidi, libdeflate and zlib from Debian's static archives (PIC): a file
# fewer each to map and relocate at a PDF's start.  fontconfig is not
# linked: src/back/pdf/fc.h loads it when a question needs it.
PDF_LIBS  = -Wl,--as-needed $(filter-out -ldeflate -lfontconfig -lqrencode -lharfbuzz -lharfbuzz-subset -lfribidi -lz,$(PKG_LIBS)) \
	$(HB_LIBS) $(HARU_LIBS) $(call static_if,fribidi) $(call static_if,deflate) $(call static_if,z) \
	-lhyphen -lunibreak -lpthread -lm -ldl

SRCS    := $(sort $(filter-out src/main.c src/light/%,$(wildcard src/*/*.c src/*/*/*.c)))
GEN_SRC := build/gen/default_theme.c

REL_OBJS  := $(patsubst src/%.c,build/rel/%.o,$(SRCS)) build/rel/gen/default_theme.o \
	build/rel/gen/predeflate.o
ASAN_OBJS := $(patsubst src/%.c,build/asan/%.o,$(SRCS)) build/asan/gen/default_theme.o \
	build/asan/gen/predeflate.o
PDF_OBJS  := $(filter build/rel/back/pdf/%,$(REL_OBJS))
MAIN_OBJS := $(filter-out $(PDF_OBJS),$(REL_OBJS))
PDF_MODULE := mentorconv-pdf.so
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# The release build is hardened: fortified libc calls (only when
# optimizing: glibc needs it), stack canaries, a position-independent
# executable, read-only relocations bound at start-up, and Intel CET
# branch protection where the compiler has it.  tests/group_safety.sh
# checks the result with readelf.  Objects are position-independent
# code (-fPIC, which a PIE may hold too): the PDF backend's, and the
# helpers it calls, also go into the shared module.
CC_HAS = $(shell echo 'int main(void){return 0;}' | $(CC) $(1) -x c -o /dev/null - >/dev/null 2>&1 && echo $(1))
HARDEN_CFLAGS := $(if $(filter -O1 -O2 -O3 -Os -Og -Ofast,$(CFLAGS)),-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2) \
	-fstack-protector-strong -fPIC $(call CC_HAS,-fcf-protection)
HARDEN_LDFLAGS := -pie -Wl,-z,relro,-z,now

.PHONY: all clean check check-run demo demo-run install bench compare deps deps-runtime dist golden FORCE
all: mentorconv

# ---- the light program ----
# glibc's start costs 0.5 ms of CPU on a virtual machine (asking the CPU
# for its caches: cpuid, which traps to the hypervisor), whatever the
# program; musl's costs 0.04 ms.  A corpus DOCX took 1.7 ms, a third of
# it glibc's start.  So where musl-gcc, the sources of scripts/
# third_party.sh and Debian's static archives are there, `mentorconv` is
# the light program: DOCX, EPUB and JSON, static (a PIE: no loader, no
# libraries), built with musl, with mimalloc as its allocator (musl's
# own maps and unmaps every block of 128 KiB or more) and its own
# memcpy (src/light/mem.c).  It links Debian's static archives of
# cmark-gfm, gumbo, libyaml, libdeflate and zlib (compiled against glibc:
# src/light/compat.c has the checked calls they make), and libzip and
# qrencode built from source with musl-gcc.  A run that needs a module
# (a PDF, `collect`) it hands to the full program, mentorconv-full, which
# is the glibc program of before (src/cli/handover.c).  Without musl-gcc
# or any of those, `mentorconv` is the full program itself.
MUSL_CC  := $(shell command -v musl-gcc 2>/dev/null)
QR_TAR   := $(call tp_tar,qrencode)
MI_TAR   := $(call tp_tar,mimalloc)
LIGHT_ARCHIVES := $(foreach l,cmark-gfm-extensions cmark-gfm gumbo yaml deflate z,$(shell $(CC) -print-file-name=lib$(l).a))
LIGHT := $(if $(and $(MUSL_CC),$(LIBZIP_TAR),$(QR_TAR),$(MI_TAR)),$(if $(filter-out /%,$(LIGHT_ARCHIVES)),,1))
FULL := $(if $(LIGHT),mentorconv-full,mentorconv)

# The program without the PDF backend, which it loads from $(PDF_MODULE)
# beside it (or installed in $(PREFIX)/lib/mentorconv) on the first PDF:
# a DOCX or EPUB run does not load HarfBuzz, fontconfig, libharu & co.
$(FULL): build/rel/main.o $(MAIN_OBJS) | $(PDF_MODULE)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) $(HARDEN_LDFLAGS) -o $@ $^ $(MAIN_LIBS)

ifneq ($(LIGHT),)
MUSL_LIB  := $(dir $(shell sed -n 's/.*-specs "\([^"]*\)".*/\1/p' $(MUSL_CC)))
LIGHT_TP  := build/third_party/musl
LIGHT_INC := build/light/include
LIGHT_ZIP_A := $(LIGHT_TP)/libzip/lib/libzip.a
LIGHT_QR_A  := $(LIGHT_TP)/qrencode/lib/libqrencode.a
LIGHT_MI_O  := $(LIGHT_TP)/mimalloc/lib/mimalloc.o
# the program's objects but collect's (answers*.c: handed over)
LIGHT_OBJS := $(patsubst build/rel/%,build/light/%,$(filter-out build/rel/cli/answers%,$(MAIN_OBJS))) \
	build/light/main.o build/light/light/compat.o build/light/light/mem.o
# The headers of the libraries it links, and only those: musl's own stand
# in for glibc's (a folder of links to the system's, which musl-gcc's
# -nostdinc leaves out).
LIGHT_HEADERS := yaml.h zlib.h zconf.h libdeflate.h gumbo.h tag_enum.h \
	cmark-gfm.h cmark-gfm-core-extensions.h cmark-gfm-extension_api.h \
	cmark-gfm_export.h cmark-gfm_version.h cmark-gfm-extensions_export.h
# hardened as the release build is, but for _FORTIFY_SOURCE (musl has none)
LIGHT_HARDEN := -fstack-protector-strong -fPIE $(call CC_HAS,-fcf-protection)
LIGHT_CFLAGS = $(BASE_CFLAGS) -DMC_LIGHT -DMC_ZIP_STATIC -DMC_QRENCODE_STATIC \
	-isystem $(LIGHT_TP)/libzip/include -isystem $(LIGHT_TP)/qrencode/include \
	-isystem $(LIGHT_INC) -Ibuild/gen $(LIGHT_HARDEN)
LIGHT_TP_BUILD = CC='$(MUSL_CC)' CFLAGS='$(CFLAGS) $(LIGHT_HARDEN)' \
	bash scripts/third_party.sh build

mentorconv: $(LIGHT_OBJS) $(LIGHT_MI_O) $(LIGHT_ZIP_A) $(LIGHT_QR_A) | mentorconv-full
	$(CC) -static-pie -nostdlib -nostartfiles -Wl,-z,relro,-z,now -o $@ \
	  $(MUSL_LIB)rcrt1.o $(MUSL_LIB)crti.o $(shell $(CC) -print-file-name=crtbeginS.o) \
	  $(LIGHT_OBJS) $(LIGHT_MI_O) $(LIGHT_ZIP_A) $(LIGHT_QR_A) $(LIGHT_ARCHIVES) \
	  -L$(MUSL_LIB) -lc $(shell $(CC) -print-libgcc-file-name) \
	  $(shell $(CC) -print-file-name=crtendS.o) $(MUSL_LIB)crtn.o

$(LIGHT_INC)/.stamp: Makefile
	@rm -rf $(LIGHT_INC) && mkdir -p $(LIGHT_INC)
	@for h in $(LIGHT_HEADERS); do \
	  for d in /usr/include /usr/include/$$($(CC) -dumpmachine); do \
	    [ -e "$$d/$$h" ] && { ln -s "$$d/$$h" $(LIGHT_INC)/$$h; break; }; \
	  done; \
	done
	@touch $@
$(LIGHT_ZIP_A): $(LIBZIP_TAR) scripts/third_party.sh | $(LIGHT_INC)/.stamp
	ZLIB_A='$(lastword $(LIGHT_ARCHIVES))' ZLIB_INC='$(LIGHT_INC)' \
	  $(LIGHT_TP_BUILD) libzip $(LIBZIP_TAR) $(LIGHT_TP)/libzip
$(LIGHT_QR_A): $(QR_TAR) scripts/third_party.sh
	$(LIGHT_TP_BUILD) qrencode $(QR_TAR) $(LIGHT_TP)/qrencode
$(LIGHT_MI_O): $(MI_TAR) scripts/third_party.sh
	$(LIGHT_TP_BUILD) mimalloc $(MI_TAR) $(LIGHT_TP)/mimalloc
$(LIGHT_OBJS): build/flags | $(LIGHT_INC)/.stamp $(LIGHT_ZIP_A) $(LIGHT_QR_A)
build/light/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LIGHT_CFLAGS) -MMD -MP -c -o $@ $<
build/light/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LIGHT_CFLAGS) -c -o $@ $<
# its memcpy and memmove checked as linked there (tests/light_mem.c), a
# unit test of the release build's
LIGHT_UNITS := build/rel/tests/unit_light_mem
build/rel/tests/unit_light_mem: tests/light_mem.c tests/unit.h build/light/light/mem.o
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LIGHT_CFLAGS) -Itests -static -o $@ tests/light_mem.c build/light/light/mem.o
# memcpy itself: no call to memcpy may come out of it
build/light/light/mem.o: src/light/mem.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(LIGHT_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns -c -o $@ $<
endif

# The helpers the backend calls (util, model, theme) are taken from an
# archive of the program's objects: the module holds its own copies and
# exports one symbol, its table (src/back/pdf/module.map).
build/rel/libmain.a: $(MAIN_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(PDF_MODULE): $(PDF_OBJS) build/rel/libmain.a src/back/pdf/module.map $(HB_A) $(HARU_A)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) -shared -Wl,-z,relro,-z,now \
	  -Wl,--version-script=src/back/pdf/module.map -Wl,--no-undefined \
	  -o $@ $(PDF_OBJS) build/rel/libmain.a $(PDF_LIBS)

build/mentorconv-asan: build/asan/main.o $(ASAN_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -o $@ $^ $(LDLIBS)

# The libraries from Debian's source (scripts/third_party.sh), with the
# program's compilers and hardening flags; what includes their headers
# waits for them.
TP_BUILD = CC='$(CC)' CXX='$(CXX)' CFLAGS='$(CFLAGS) $(HARDEN_CFLAGS)' bash scripts/third_party.sh build
ifneq ($(LIBZIP_A),)
$(LIBZIP_A): $(LIBZIP_TAR) scripts/third_party.sh
	$(TP_BUILD) libzip $(LIBZIP_TAR) $(LIBZIP_DIR)
build/rel/util/zip.o build/asan/util/zip.o: | $(LIBZIP_A)
endif
ifneq ($(HB_A),)
$(HB_A): $(HB_TAR) scripts/third_party.sh
	$(TP_BUILD) harfbuzz $(HB_TAR) $(HB_DIR)
endif
ifneq ($(HARU_A),)
$(HARU_A): $(HARU_TAR) scripts/third_party.sh
	$(TP_BUILD) libharu $(HARU_TAR) $(HARU_DIR)
endif
$(PDF_OBJS) $(filter build/asan/back/pdf/%,$(ASAN_OBJS)): | $(HB_A) $(HARU_A)

build/rel/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -MMD -MP -c -o $@ $<

build/rel/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) -c -o $@ $<

build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -c -o $@ $<

# The default theme is styles/default.yaml: one source of truth.  The
# build reads it with the theme loader itself (tools/themegen.c includes
# src/theme/theme.c) into C data (src/theme/default.h), so no run parses
# it; the generator fails on any error or contrast warning of the default.
THEMEGEN_SRCS := tools/themegen.c src/model/model.c src/util/diag.c src/util/fmath.c \
	src/util/buf.c src/util/utf8.c src/util/arena.c
build/gen/themegen: $(THEMEGEN_SRCS) src/theme/theme.c \
  $(wildcard src/theme/*.h src/model/*.h src/util/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(THEMEGEN_SRCS) \
	  $(shell pkg-config --libs yaml-0.1 2>/dev/null) -lm
build/gen/default_theme.c: styles/default.yaml build/gen/themegen
	./build/gen/themegen $< $@

# The memo of deflated fixed parts (src/util/zip.h): tools/predeflate.c,
# linked with the program's objects (but not the memo: it has its own,
# empty), renders small pages to DOCX and EPUB with the default theme and
# deflates the parts they share with the archive writer's own code.
PREDEFLATE_OBJS := $(filter-out build/rel/gen/predeflate.o,$(MAIN_OBJS))
build/gen/predeflate: tools/predeflate.c $(PREDEFLATE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) $(HARDEN_LDFLAGS) -Isrc -o $@ $(filter %.c %.o,$^) $(MAIN_LIBS)
build/gen/predeflate.c: build/gen/predeflate
	./build/gen/predeflate $@

# The YAML text itself, for the unit tests (tests/unit_theme.c lays
# variants of it over nothing).
build/gen/default_theme_yaml.c: styles/default.yaml tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh mc_default_theme_yaml $< > $@

# keeps the sources scripts/deps.sh fetched (build/third_party/*.tar.xz)
clean:
	rm -rf mentorconv mentorconv-full $(PDF_MODULE) demo-out $(addprefix build/third_party/,libzip harfbuzz libharu musl)
	find build -mindepth 1 -maxdepth 1 ! -name third_party -exec rm -rf {} + 2>/dev/null || true

-include $(wildcard build/*/*.d build/*/*/*.d build/*/*/*/*.d)

# Unit test programs: tests/unit_NAME.c linked with everything but main.c.
build/rel/tests/unit_%: tests/unit_%.c $(REL_OBJS) build/rel/gen/default_theme_yaml.o | $(THIRD_PARTY_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) $(HARDEN_LDFLAGS) -Isrc -o $@ $^ $(LDLIBS)

build/asan/tests/unit_%: tests/unit_%.c $(ASAN_OBJS) build/asan/gen/default_theme_yaml.o | $(THIRD_PARTY_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -Isrc -o $@ $^ $(LDLIBS)

build/rel/tests/bench_front: tests/bench_front.c $(REL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(HARDEN_CFLAGS) $(HARDEN_LDFLAGS) -Isrc -o $@ $^ $(LDLIBS)

# Rebuild every object when the compiler flags change.  PREFIX is compiled
# in (MC_STYLEDIR), so `make install PREFIX=...` after a plain `make` must
# not install a binary that looks for its styles under another prefix.
TRACK_FLAGS = $(subst ','\'',$(CC) $(ALL_CFLAGS) | $(HARDEN_CFLAGS) $(HARDEN_LDFLAGS) | $(SAN_FLAGS) | $(LDLIBS))
build/flags: FORCE
	@mkdir -p build
	@f='$(TRACK_FLAGS)'; \
	if [ "$$f" != "$$(cat $@ 2>/dev/null)" ]; then printf '%s\n' "$$f" > $@; fi
$(REL_OBJS) $(ASAN_OBJS) build/rel/main.o build/asan/main.o build/gen/themegen build/gen/predeflate \
  build/rel/gen/default_theme_yaml.o build/asan/gen/default_theme_yaml.o: build/flags
FORCE:

# ---- set-up, tests, demo, install, benchmark ----

UNIT_SRCS  := $(sort $(wildcard tests/unit_*.c))
REL_UNITS  := $(patsubst tests/%.c,build/rel/tests/%,$(UNIT_SRCS))
ASAN_UNITS := $(patsubst tests/%.c,build/asan/tests/%,$(UNIT_SRCS))

DEMO_IN      := examples/demo-site/modules/demo/_posts/2000-01-01-welcome.md
DEMO_FORMATS := json pdf epub docx

deps:
	bash scripts/deps.sh

# only what building from source and converting need (no checkers)
deps-runtime:
	bash scripts/deps.sh --runtime

# `make check`, `make demo` and `make bench` work on a fresh Debian machine:
# this stamp runs scripts/deps.sh whenever the package list (or the pinned
# Ace by DAISY of tests/ace/) changes (it
# installs only what is missing, and needs no network when all is there).
# The goal is then made by a second make, which reads pkg-config afresh.
build/deps.stamp: scripts/deps.sh tests/ace/package.json tests/ace/package-lock.json
	@mkdir -p build
	@bash scripts/deps.sh
	@touch $@

check: build/deps.stamp
	@$(MAKE) --no-print-directory check-run

# The whole suite twice: the release build, then the ASan+UBSan build.
check-run: mentorconv build/mentorconv-asan $(REL_UNITS) $(ASAN_UNITS) $(LIGHT_UNITS)
	@rm -f build/results.rel build/results.asan; rc=0; \
	echo "== tests: release build"; \
	MC_RESULTS=build/results.rel bash tests/run.sh ./mentorconv build/rel/tests || rc=1; \
	echo "== tests: ASan+UBSan build"; \
	MC_RESULTS=build/results.asan bash tests/run.sh build/mentorconv-asan build/asan/tests || rc=1; \
	cat build/results.rel build/results.asan 2>/dev/null | awk \
	  '{ p += $$1; f += $$2; s += $$3 } \
	   END { printf "check: %d passed, %d failed", p, f; if (s) printf ", %d skipped", s; print "" }'; \
	exit $$rc

demo: build/deps.stamp
	@$(MAKE) --no-print-directory demo-run

demo-run: mentorconv
	@mkdir -p demo-out
	@for fmt in $(DEMO_FORMATS); do \
	  ./mentorconv $(DEMO_IN) -t $$fmt -o demo-out/welcome.$$fmt || exit 1; \
	  echo "demo: wrote demo-out/welcome.$$fmt (from $(DEMO_IN))"; \
	done

# Regenerate the expected JSON of every fixture that is not an error case
# (fixtures/X.err) and the golden parts of the PDF, EPUB and DOCX of a few
# (tests/golden/, by tests/golden.sh); review with `git diff fixtures
# tests/golden`.
golden: mentorconv
	@for md in fixtures/*.md; do \
	  [ -e "$$md" ] || continue; b=$${md%.md}; \
	  [ -e "$$b.err" ] && continue; \
	  ./mentorconv "$$md" -t json -o "$$b.json" || exit 1; \
	  echo "golden: $$b.json"; \
	done
	@rm -rf tests/golden.new && bash tests/golden.sh ./mentorconv tests/golden.new \
	  && rm -rf tests/golden && mv tests/golden.new tests/golden \
	  && echo "golden: tests/golden/ (git diff --stat tests/golden)"

install: mentorconv
	install -d '$(DESTDIR)$(PREFIX)/bin' '$(DESTDIR)$(PREFIX)/share/man/man1' \
	  '$(DESTDIR)$(PREFIX)/share/mentorconv/styles'
	install -d '$(DESTDIR)$(PREFIX)/lib/mentorconv'
	install -m 755 mentorconv '$(DESTDIR)$(PREFIX)/bin/mentorconv'
	install -m 644 $(PDF_MODULE) '$(DESTDIR)$(PREFIX)/lib/mentorconv/$(PDF_MODULE)'
	$(if $(LIGHT),install -m 755 mentorconv-full '$(DESTDIR)$(PREFIX)/lib/mentorconv/mentorconv-full')
	install -m 644 doc/mentorconv.1 '$(DESTDIR)$(PREFIX)/share/man/man1/mentorconv.1'
	$(if $(wildcard styles/*.yaml),install -m 644 $(wildcard styles/*.yaml) \
	  '$(DESTDIR)$(PREFIX)/share/mentorconv/styles/')

bench: build/deps.stamp
	@BASELINE='$(BASELINE)' bash tests/bench.sh

# What a change does to every output: `make compare BASE=<rev>` converts
# every corpus page, module, course, worksheet pack, fixture and sample
# site to every format with BASE's binary and this tree's, and summarises
# what differs (tests/compare.sh).  It exits 0 unless a build fails.
compare:
	@BASE='$(BASE)' bash tests/compare.sh

# The release tarball: the committed tree (HEAD) under mentorconv-VERSION/.
# git archive gives every file the commit's time, owner root and a fixed
# order, and gzip -n leaves out its own name and time, so the same commit
# always gives the same bytes.  Unpacked, it builds with
# `scripts/deps.sh --runtime && make`.
# DIST_REV=REV archives another commit (tests/group_ci.sh passes the
# working tree's, from `git stash create`).
DIST     := mentorconv-$(VERSION).tar.gz
DIST_REV ?= HEAD
dist:
	@git rev-parse --verify -q '$(DIST_REV)^{commit}' >/dev/null || \
	  { echo "dist: needs a git checkout with a commit" >&2; exit 1; }
	@[ '$(DIST_REV)' != HEAD ] || git diff --quiet HEAD -- || \
	  echo "dist: note: uncommitted changes are not in $(DIST)" >&2
	git archive --format=tar.gz --prefix=mentorconv-$(VERSION)/ -o '$(DIST).tmp' '$(DIST_REV)'
	@mv '$(DIST).tmp' '$(DIST)'
	@echo "dist: wrote $(DIST) ($$(git rev-parse --short '$(DIST_REV)'))"

# ---- fuzzing (libFuzzer, clang) ----
# `make fuzz` builds build/fuzz/fuzz_front (bytes -> front-end -> model ->
# JSON) and one target per zip/PDF backend, build/fuzz/fuzz_{pdf,epub,docx}
# (tests/fuzz_back.c: bytes -> model -> the format in memory; the zip
# formats are unzipped and every XML part parsed with libxml2), and runs
# each for FUZZ_SECONDS, one after the other, seeded with fixtures/ and
# ../shared/corpus (copied: never written).  Each target keeps its own
# corpus in build/fuzz/corpus-NAME; crashes land in build/fuzz/NAME-*.
# FUZZ_SEED fixes libFuzzer's random seed (0: a new one each run), so a
# run from a fresh corpus takes the same path every time: CI's short run
# is repeatable.  FUZZ_TARGETS='docx epub' runs only those.
FUZZ_SECONDS ?= 60
FUZZ_SEED    ?= 1
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
FUZZ_SRCS    := $(SRCS)
FUZZ_BACKS   := pdf epub docx
FUZZ_TARGETS ?= front $(FUZZ_BACKS)
FUZZ_CFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DMC_VERSION='"$(VERSION)"' -DMC_STYLEDIR='"$(PREFIX)/share/mentorconv/styles"' \
	$(FUZZ_FLAGS) $(TP_CFLAGS) $(PKG_CFLAGS) -Isrc -Ibuild/gen
XML_CFLAGS   := $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
XML_LIBS     := $(shell pkg-config --libs libxml-2.0 2>/dev/null)

build/fuzz/fuzz_front: tests/fuzz_front.c $(FUZZ_SRCS) build/gen/default_theme.c build/gen/predeflate.c | $(THIRD_PARTY_A)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $^ $(LDLIBS)

$(patsubst %,build/fuzz/fuzz_%,$(FUZZ_BACKS)): build/fuzz/fuzz_%: tests/fuzz_back.c $(FUZZ_SRCS) build/gen/default_theme.c build/gen/predeflate.c | $(THIRD_PARTY_A)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(XML_CFLAGS) -DFUZZ_FORMAT='"$*"' -o $@ $^ $(LDLIBS) $(XML_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@rm -rf build/fuzz/seeds && mkdir -p build/fuzz/seeds
	@cp fixtures/*.md build/fuzz/seeds/
	@if [ -d ../shared/corpus ]; then find ../shared/corpus -name '*.md' -exec cp {} build/fuzz/seeds/ \; ; fi
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus-$$t; \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	  (cd build/fuzz && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -max_len=65536 \
	    -timeout=20 -rss_limit_mb=2048 -artifact_prefix=$$t- -print_final_stats=1 \
	    corpus-$$t seeds) || exit 1; \
	done
