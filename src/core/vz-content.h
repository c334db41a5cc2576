/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-entity.h"

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT (vz_content_get_type ())
G_DECLARE_FINAL_TYPE (VzContent, vz_content, VZ, CONTENT, VzEntity)

/*
 * VzContent: one item of the content library (GET /content, GET
 * /content/:id; vizora-api.md, "Content").
 *
 * Properties (read-only, notify on real change):
 *   "id", "updated-at"    (VzEntity)
 *   "name"                string
 *   "content-type"        string: "image", "video", "url", "html", "pdf"
 *                         (the wire's `type`; unknown words are kept as sent)
 *   "thumbnail"           string, nullable: the thumbnail's URL
 *   "duration"            gint: seconds it plays for, -1 when not said
 *   "file-size"           gint64: bytes, -1 when not said (web pages)
 *   "status"              string, nullable: "ready", "processing", "archived"…
 *   "folder-id"           string, nullable
 *   "url"                 string, nullable: the file or page (detail, and
 *                         web pages in lists)
 *   "mime-type"           string, nullable (detail)
 *   "created-at"          string, nullable (ISO-8601)
 *   "tag-ids", "tag-names" GStrv, never NULL: the tags it carries, in order
 */
const char         *vz_content_get_name         (VzContent *self);
const char         *vz_content_get_content_type (VzContent *self);
const char         *vz_content_get_thumbnail    (VzContent *self);
gint                vz_content_get_duration     (VzContent *self);
gint64              vz_content_get_file_size    (VzContent *self);
const char         *vz_content_get_status       (VzContent *self);
const char         *vz_content_get_folder_id    (VzContent *self);
const char         *vz_content_get_url          (VzContent *self);
const char         *vz_content_get_mime_type    (VzContent *self);
const char         *vz_content_get_created_at   (VzContent *self);
const char * const *vz_content_get_tag_ids      (VzContent *self);
const char * const *vz_content_get_tag_names    (VzContent *self);
/* The colour of the tag at @index of the tag lists ("#3584e4"), or NULL. */
const char         *vz_content_get_tag_color    (VzContent *self,
                                                 guint      index);
gboolean            vz_content_has_tag          (VzContent *self,
                                                 const char *tag_id);

/* "Image", "Video", "Web page", "HTML", "PDF" (translated), for badges;
 * the word itself for a type this version does not know. */
const char         *vz_content_type_to_label    (const char *content_type);

G_END_DECLS
