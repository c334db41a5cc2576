/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-entity.h"

G_BEGIN_DECLS

#define VZ_TYPE_TAG (vz_tag_get_type ())
G_DECLARE_FINAL_TYPE (VzTag, vz_tag, VZ, TAG, VzEntity)

/*
 * VzTag: a label on content (GET /content/tags: {id, name, color,
 * contentCount}).
 *
 * Properties (read-only, notify on real change): "id" (VzEntity), "name",
 * "color" (string, nullable: "#3584e4"), "content-count" (guint).
 */
const char *vz_tag_get_name          (VzTag *self);
const char *vz_tag_get_color         (VzTag *self);
guint       vz_tag_get_content_count (VzTag *self);

G_END_DECLS
