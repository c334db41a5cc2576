/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-content-page.h"
#include "vz-content-thumbnails.h"

G_BEGIN_DECLS

/*
 * VzContentPage is one object in several files, by concern:
 *   vz-content-page.c          the object, the grid, search and filters
 *   vz-content-page-upload.c   uploads: the file chooser, files dropped on
 *                              the page, the list of uploads under way
 */
struct _VzContentPage
{
  GtkWidget           parent_instance;

  VzSyncEngine       *engine;
  GCancellable       *cancellable;
  GListStore         *uploads;          /* VzUpload, in the order they were given */
  GtkFileChooserNative *chooser;
  VzContentThumbnails *thumbnails;      /* of the engine's session */

  /* template children */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkGridView        *grid;
  GtkSingleSelection *selection;
  GtkFilterListModel *filtered;
  GtkStringFilter    *filter;
  GtkRevealer        *uploads_revealer;
  GtkListBox         *uploads_list;
  GtkDropTarget      *drop_target;
};

/* vz-content-page-upload.c */
void _vz_content_page_class_upload_init (GtkWidgetClass *widget_class);
void _vz_content_page_upload_init       (VzContentPage  *self);
void _vz_content_page_upload_dispose    (VzContentPage  *self);
void _vz_content_page_update_upload_actions (VzContentPage *self);

G_END_DECLS
