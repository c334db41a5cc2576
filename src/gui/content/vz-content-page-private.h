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
 *   vz-content-page-actions.c  the verbs on the selected content (edit, tags,
 *                              archive, restore, delete)
 */
struct _VzContentPage
{
  GtkWidget           parent_instance;

  VzSyncEngine       *engine;
  GCancellable       *cancellable;
  GListStore         *uploads;          /* VzUpload, in the order they were given */
  GtkFileChooserNative *chooser;
  VzContentThumbnails *thumbnails;      /* of the engine's session */
  GSignalGroup       *engine_signals;
  GSignalGroup       *sender_signals;    /* the outbox sender: a delete's answer */
  GSignalGroup       *tag_signals;       /* the tag store: the tags menu */
  GSignalGroup       *tag_signals_page;  /* the tag store: the tag filter */
  GSignalGroup       *selected_signals;  /* the selected content */
  GtkCustomFilter    *kind_filter;       /* type, tag, archived */
  GPtrArray          *tag_ids;           /* the tag dropdown's, after "All tags" */

  /* template children */
  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  AdwSplitButton     *upload_split_button;
  GtkGridView        *grid;
  GtkSingleSelection *selection;
  GtkFilterListModel *filtered;
  GtkStringFilter    *filter;
  GtkRevealer        *uploads_revealer;
  GtkListBox         *uploads_list;
  GtkDropTarget      *drop_target;
  GtkDropDown        *type_dropdown;
  GtkDropDown        *tag_dropdown;
  GtkToggleButton    *archived_toggle;
  GtkActionBar       *action_bar;
  GtkLabel           *selected_label;
  GtkWidget          *archive_button;
  GtkWidget          *restore_button;
  GtkMenuButton      *tags_button;
};

/* vz-content-page.c: the filters look again at every item. */
void _vz_content_page_refilter          (VzContentPage  *self);

/* vz-content-page-actions.c */
void _vz_content_page_class_actions_init (GtkWidgetClass *widget_class);
void _vz_content_page_actions_init      (VzContentPage  *self);
void _vz_content_page_actions_set_engine (VzContentPage *self);
void _vz_content_page_actions_dispose   (VzContentPage  *self);
void _vz_content_page_update_selection  (VzContentPage  *self);

/* vz-content-page-upload.c */
void _vz_content_page_class_upload_init (GtkWidgetClass *widget_class);
void _vz_content_page_upload_init       (VzContentPage  *self);
void _vz_content_page_upload_dispose    (VzContentPage  *self);
void _vz_content_page_update_upload_actions (VzContentPage *self);

G_END_DECLS
