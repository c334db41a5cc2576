/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * VzMultipart: a streaming reader of multipart/form-data (RFC 7578). Bytes go
 * in as they arrive, in pieces of any size; each part's headers and then its
 * data come out through callbacks, so a large file never has to be held
 * whole. What it keeps is bounded: the headers of one part (at most
 * VZ_MULTIPART_MAX_HEADERS bytes), a preamble of at most as much, and one
 * boundary's length of data it cannot hand on yet.
 *
 * Errors are VZ_SERVER_ERROR_INVALID with a sentence that says what is wrong
 * with the form; a callback's error is passed on as it is.
 */

#define VZ_MULTIPART_MAX_HEADERS (16 * 1024)

typedef struct _VzMultipart VzMultipart;

typedef struct {
  /* A part starts: @name is its form field; @filename and @content_type are
   * NULL when the part does not give them. */
  gboolean (*part_begin) (gpointer     user_data,
                          const char  *name,
                          const char  *filename,
                          const char  *content_type,
                          GError     **error);
  gboolean (*part_data)  (gpointer      user_data,
                          const guint8 *data,
                          gsize         length,
                          GError      **error);
  gboolean (*part_end)   (gpointer     user_data,
                          GError     **error);
} VzMultipartCallbacks;

/* NULL when @boundary is not a boundary RFC 2046 allows (1–70 characters). */
VzMultipart *vz_multipart_new      (const char                 *boundary,
                                    const VzMultipartCallbacks *callbacks,
                                    gpointer                    user_data);
void         vz_multipart_free     (VzMultipart                *self);
/* Reads the next @length bytes of the body. After an error the reader
 * refuses everything else. */
gboolean     vz_multipart_feed     (VzMultipart                *self,
                                    const guint8               *data,
                                    gsize                       length,
                                    GError                    **error);
/* The body ended: an error unless the closing boundary was read. */
gboolean     vz_multipart_finish   (VzMultipart                *self,
                                    GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VzMultipart, vz_multipart_free)

G_END_DECLS
