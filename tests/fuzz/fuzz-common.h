/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * What the fuzz targets share. Each target is one LLVMFuzzerTestOneInput();
 * built with -Dfuzzing=true (clang) it links libFuzzer, otherwise it links
 * fuzz-replay-main.c, which feeds it every file of its corpus once: the
 * corpus, crash inputs included, is then a regression test of the normal
 * suites.
 */
int         LLVMFuzzerTestOneInput (const uint8_t *data,
                                    size_t         size);

typedef enum {
  /* Criticals and warnings abort, as G_DEBUG=fatal-warnings does in the tests. */
  FUZZ_LOG_WARNINGS_FATAL,
  /* Only criticals abort: for code that still reports an expected condition
   * (a torn journal tail) with g_warning. */
  FUZZ_LOG_CRITICALS_FATAL,
} FuzzLogMode;

/* Once per process: the log policy (messages and debug output are dropped,
 * they would drown libFuzzer's report). */
void        fuzz_init              (FuzzLogMode    mode);

/* A private folder for files (on /dev/shm when it exists), removed at exit. */
const char *fuzz_scratch_dir       (void);

/* A folder @name in the scratch folder, emptied of its files if it was there. */
char       *fuzz_fresh_dir         (const char    *name);

/* Writes @data to @path whole, or aborts. */
void        fuzz_write_file        (const char    *path,
                                    const void    *data,
                                    gsize          size);

/* Runs what the code under test left for the thread-default main context
 * (completions, idle notifications) until nothing is ready: an input must
 * not leave work behind for the next one. */
void        fuzz_drain_main_context (void);

/* The wire encoding of @node (transfer full). */
char       *fuzz_json_text         (JsonNode      *node);

/* Whether @a and @b hold the same JSON value; numbers compare by value
 * (1.0 and 1 are the same number, as in JavaScript). */
gboolean    fuzz_json_equal        (JsonNode      *a,
                                    JsonNode      *b);

/* Parses Socket.IO text as the realtime client and the hub do and, when it
 * parses, checks that encoding it and decoding the encoding gives the same
 * packet and the same text again, and that the encoded frame can travel in
 * a polling payload. */
void        fuzz_check_socketio    (const char    *text,
                                    gsize          len);

G_END_DECLS
