# mentorconv - GNU make build.  `make` builds ./mentorconv; `make check`
# runs every test (and again under ASan+UBSan); see README.md.

PREFIX  ?= /usr/local
CC      ?= cc
PKGS    := libcmark-gfm gumbo yaml-0.1
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

VERSION := 0.1.0
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DMC_VERSION='"$(VERSION)"' -DMC_STYLEDIR='"$(PREFIX)/share/mentorconv/styles"' \
	$(WARN) $(CFLAGS) $(PKG_CFLAGS) -Ibuild/gen
LDLIBS  = $(PKG_LIBS) -lpthread -lm

SRCS    := $(sort $(filter-out src/main.c,$(wildcard src/*/*.c src/*/*/*.c)))
GEN_SRC := build/gen/default_theme.c

REL_OBJS  := $(patsubst src/%.c,build/rel/%.o,$(SRCS)) build/rel/gen/default_theme.o
ASAN_OBJS := $(patsubst src/%.c,build/asan/%.o,$(SRCS)) build/asan/gen/default_theme.o
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all clean check demo install bench deps
all: mentorconv

mentorconv: build/rel/main.o $(REL_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/mentorconv-asan: build/asan/main.o $(ASAN_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -o $@ $^ $(LDLIBS)

build/rel/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -MMD -MP -c -o $@ $<

build/rel/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -c -o $@ $<

# The default theme is embedded from styles/default.yaml: one source of truth.
build/gen/default_theme.c: styles/default.yaml tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh mc_default_theme_yaml $< > $@

clean:
	rm -rf build mentorconv

-include $(wildcard build/*/*.d build/*/*/*.d build/*/*/*/*.d)

# Unit test programs: tests/unit_NAME.c linked with everything but main.c.
build/rel/tests/unit_%: tests/unit_%.c $(REL_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $^ $(LDLIBS)

build/asan/tests/unit_%: tests/unit_%.c $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -O1 -Isrc -o $@ $^ $(LDLIBS)
