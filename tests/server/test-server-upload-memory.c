/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-server-upload-memory"

#include <stdio.h>
#include <string.h>

#include "upload-test-util.h"

/*
 * A large upload is streamed to disk: the server's resident memory grows by
 * far less than the file. The file (an MP4 whose mdat box holds generated
 * bytes) is made as it is sent, so the test does not hold it either.
 * "--megabytes N" sets its size (default 60; the bench-upload benchmark of
 * docs/benchmarks.md sends 100).
 */

#define DEFAULT_MB        60
/* What the server may grow by while it takes the file, whatever its size. */
#define MAX_GROWTH_BYTES  ((gint64) 20 * 1024 * 1024)

typedef struct {
  guint64    total;
  guint64    sent;
  guint64    state;      /* xorshift64 */
  GChecksum *sha256;
} Source;

static guint64 megabytes = DEFAULT_MB;

static gsize
generate (guint8   *buffer,
          gsize     size,
          gpointer  user_data)
{
  Source *source = user_data;
  gsize n = (gsize) MIN ((guint64) size, source->total - source->sent);
  gsize i = 0;

  if (source->sent == 0 && n >= TEST_MP4_HEAD)
    {
      test_mp4_head (buffer, source->total);
      i = TEST_MP4_HEAD;
    }
  for (; i + 8 <= n; i += 8)
    {
      source->state ^= source->state << 13;
      source->state ^= source->state >> 7;
      source->state ^= source->state << 17;
      memcpy (buffer + i, &source->state, 8);
    }
  for (; i < n; i++)
    buffer[i] = (guint8) i;
  g_checksum_update (source->sha256, buffer, (gssize) n);
  source->sent += n;
  return n;
}

/* A number (kB) from /proc/PID/status, as bytes. */
static gint64
proc_status_bytes (GSubprocess *process,
                   const char  *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (process));
  g_autofree char *contents = NULL;
  g_autofree char *prefix = g_strconcat (field, ":", NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_ascii_strtoll (lines[i] + strlen (prefix), NULL, 10) * 1024;
  g_assert_not_reached ();
}

static void
test_large_upload (void)
{
  g_autoptr(VzTestServer) server = NULL;
  g_autofree char *token = NULL;
  g_autoptr(TestResponse) warm = NULL;
  g_autoptr(TestResponse) created = NULL;
  guint64 mb = megabytes;
  static const guint8 small[] = "\0\0\0\x10" "ftypisom\0\0\0\0" "\0\0\0\x10" "mdat01234567";
  Source source = { 0, };
  TestUpload upload = { .filename = "large.mp4", .part_type = "video/mp4", .source = generate };
  JsonObject *data;
  gint64 rss_before, peak_after, started, elapsed;

  g_assert_cmpuint (mb, >=, 1);
  g_assert_cmpuint (mb, <=, 100);
  /* Under AddressSanitizer freed memory waits in a quarantine (256 MB by
   * default) before it is reused: keep it small so the figure is the server's. */
  g_setenv ("ASAN_OPTIONS", "quarantine_size_mb=1:thread_local_quarantine_size_kb=64", FALSE);
  server = vz_test_server_start (NULL);
  token = vz_test_server_login (server);
  upload.token = token;

  /* The first video starts GStreamer: do that before measuring. */
  {
    TestUpload first = { .token = token, .filename = "warm.mp4", .data = small, .data_len = sizeof small - 1 };

    warm = test_upload (server, &first);
    test_expect_object (warm, 201);
  }

  source.total = mb * 1024 * 1024;
  source.state = 0x9e3779b97f4a7c15u;
  source.sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  upload.source_data = &source;
  upload.data_len = source.total;

  /* Peak from here on: "5" resets VmHWM to the current resident size. */
  {
    g_autofree char *clear = g_strdup_printf ("/proc/%s/clear_refs", g_subprocess_get_identifier (server->process));
    FILE *file = fopen (clear, "w");

    g_assert_nonnull (file);
    g_assert_cmpint (fputs ("5", file), >=, 0);
    g_assert_cmpint (fclose (file), ==, 0);
  }
  rss_before = proc_status_bytes (server->process, "VmRSS");
  started = g_get_monotonic_time ();
  created = test_upload (server, &upload);
  elapsed = g_get_monotonic_time () - started;
  peak_after = proc_status_bytes (server->process, "VmHWM");

  data = test_expect_object (created, 201);
  g_assert_cmpstr (json_object_get_string_member (data, "fileHash"), ==, g_checksum_get_string (source.sha256));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (data, "content"), "fileSize"), ==,
                   (gint64) source.total);
  g_test_message ("Uploaded %" G_GUINT64_FORMAT " MB in %.2f s (%.1f MB/s); the server's resident memory peaked "
                  "%.1f MB above where it stood before",
                  mb, elapsed / 1e6, (double) mb / (elapsed / 1e6), (peak_after - rss_before) / 1048576.0);
  g_assert_cmpint (peak_after - rss_before, <, MAX_GROWTH_BYTES);
  g_assert_cmpint (peak_after - rss_before, <, (gint64) source.total / 3);
  g_assert_true (test_wait_uploads_empty (server, 5));
  g_checksum_free (source.sha256);
}

int
main (int   argc,
      char *argv[])
{
  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--megabytes"))
      megabytes = g_ascii_strtoull (argv[i + 1], NULL, 10);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server/upload-memory/large", test_large_upload);
  return g_test_run ();
}
