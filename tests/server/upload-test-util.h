/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "server-test-util.h"

G_BEGIN_DECLS

/*
 * Uploads for the server tests, over a plain socket so that a test decides
 * every byte: the form is written as it is made (a 60 MB file is never held
 * by the test either), and a test can stop half-way and hang up, or send a
 * Content-Length that the body does not keep.
 */

#define TEST_BOUNDARY "vz-test-boundary-93e1c0"

/* Writes the file data of an upload: called until it returns 0. */
typedef gsize (*TestUploadSource) (guint8   *buffer,
                                   gsize     size,
                                   gpointer  user_data);

typedef struct {
  const char       *token;
  const char       *filename;       /* NULL: no filename parameter */
  const char       *part_type;      /* the file part's Content-Type, or NULL */
  const char       *name;           /* the name field, or NULL */
  const char       *extra_part;     /* raw text put before the file part, or NULL */
  const guint8     *data;           /* the file, when @source is NULL */
  gsize             data_len;       /* its size (also what @source gives in all) */
  TestUploadSource  source;
  gpointer          source_data;
  gboolean          no_file;        /* leave out the file part (and its data) */
  gboolean          no_closing;     /* leave out the closing boundary */
  gboolean          chunked;        /* Transfer-Encoding: chunked instead of a length */
  guint64           declared_length; /* 0: the true length */
  guint64           hang_up_after;  /* 0: send everything; else hang up after this many body bytes */
} TestUpload;

/* Sends @upload to POST /content/upload and reads the answer (status 0
 * when the server closed the connection without one); with
 * hang_up_after the connection is closed there, once the server has begun
 * storing the file, and NULL is returned. */
TestResponse *test_upload             (VzTestServer     *server,
                                       const TestUpload *upload);
/* The names in @dir (a folder under the server's data dir). */
guint         test_count_files        (VzTestServer     *server,
                                       const char       *dir);
/* Waits up to @seconds for media/uploads to be empty; FALSE if it is not. */
gboolean      test_wait_uploads_empty (VzTestServer     *server,
                                       guint             seconds);
/* A PNG picture, @width × @height, colours from @seed. */
GBytes       *test_make_png           (int               width,
                                       int               height,
                                       guint             seed);
/* The first TEST_MP4_HEAD bytes of an MP4 of @size bytes (under 4 GiB)
 * as the server checks one: an ftyp box, then an mdat box that runs to the
 * end of the file. */
#define TEST_MP4_HEAD 24
void          test_mp4_head           (guint8           *head,
                                       guint64           size);
/* Two seconds of GStreamer's test pattern, 640 × 360, as VP8 in WebM. */
GBytes       *test_make_webm          (void);

G_END_DECLS
