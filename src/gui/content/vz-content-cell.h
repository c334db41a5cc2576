/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "vz-content.h"
#include "vz-content-thumbnails.h"

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT_CELL (vz_content_cell_get_type ())
G_DECLARE_FINAL_TYPE (VzContentCell, vz_content_cell, VZ, CONTENT_CELL, GtkWidget)

/*
 * VzContentCell: one item of the Content page's grid: its thumbnail (its
 * type's icon until the thumbnail arrives, and for content without one),
 * its name, and badges in words with an icon: its type ("Video") and
 * "Archived". The thumbnail is asked for only while the cell shows content
 * (the grid binds visible cells only) and the request is dropped when the
 * cell is given other content.
 *
 * Properties: "content" (VzContent, nullable), "thumbnails"
 * (VzContentThumbnails, construct-only).
 */
GtkWidget  *vz_content_cell_new            (VzContentThumbnails *thumbnails);
VzContent  *vz_content_cell_get_content    (VzContentCell       *self);
void        vz_content_cell_set_content    (VzContentCell       *self,
                                            VzContent           *content);
/* Whether the thumbnail (not the type's icon) is shown (for tests). */
gboolean    vz_content_cell_shows_thumbnail (VzContentCell      *self);

G_END_DECLS
