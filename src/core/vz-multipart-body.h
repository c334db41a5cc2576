/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VZ_TYPE_MULTIPART_BODY (vz_multipart_body_get_type ())
G_DECLARE_FINAL_TYPE (VzMultipartBody, vz_multipart_body, VZ, MULTIPART_BODY, GInputStream)

/*
 * VzMultipartBody: a multipart/form-data request body that streams one file
 * (RFC 7578): the text fields, then the file part's header, the file's
 * bytes as they are read from @file, and the closing boundary. Nothing of
 * the file is held in memory beyond the reader's buffer, so a 100 MB video
 * goes out in the memory of one read.
 *
 * The length is known in advance (the fields and headers plus @file_size),
 * so the request carries a Content-Length. Closing the body does not close
 * @file: a request sent again (after a refreshed sign-in) reads it again
 * from where the caller puts it.
 */
VzMultipartBody *vz_multipart_body_new              (GInputStream       *file,
                                                     goffset             file_size,
                                                     const char         *field_name,
                                                     const char         *file_name,
                                                     const char         *content_type,
                                                     const char * const *fields);
/* "multipart/form-data; boundary=…" */
const char      *vz_multipart_body_get_content_type (VzMultipartBody    *self);
/* The whole body in bytes. */
goffset          vz_multipart_body_get_length       (VzMultipartBody    *self);

G_END_DECLS
