/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-entity.h"

G_BEGIN_DECLS

#define VZ_TYPE_DISPLAY_GROUP (vz_display_group_get_type ())
G_DECLARE_FINAL_TYPE (VzDisplayGroup, vz_display_group, VZ, DISPLAY_GROUP, VzEntity)

/* Properties: "id", "name", "description", "display-count" (guint). */
const char         *vz_display_group_get_name          (VzDisplayGroup *self);
const char         *vz_display_group_get_description   (VzDisplayGroup *self);
guint               vz_display_group_get_display_count (VzDisplayGroup *self);
/* Ids of member displays (from `displays[{displayId}]`), never NULL. */
const char * const *vz_display_group_get_display_ids   (VzDisplayGroup *self);

G_END_DECLS
