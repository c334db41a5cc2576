/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-content.h"
#include "vz-sync-engine.h"

G_BEGIN_DECLS

#define VZ_TYPE_CONTENT_PAGE (vz_content_page_get_type ())
G_DECLARE_FINAL_TYPE (VzContentPage, vz_content_page, VZ, CONTENT_PAGE, GtkWidget)

/*
 * VzContentPage: the content library as a grid, each item with its type's
 * icon, its name and a badge of its type ("Image", "Web page"…), narrowed by
 * a search of the names as one types.
 *
 * Files are uploaded from the file chooser or by dropping them on the page
 * (a GdkFileList: from a file manager, several at once); each shows in the
 * list of uploads above the grid with its progress and Cancel, and the
 * server's words when it refuses one.
 *
 * Property: "sync-engine" (VzSyncEngine, nullable).
 * Widget actions: content.add-web-page (asks for a name and an address),
 * content.upload (the file chooser), content.upload-files(as) (the files
 * named by these URIs: what the chooser leads to); on the selected content:
 * content.edit (name and duration; F2), content.add-tag(s),
 * content.remove-tag(s), content.archive, content.restore, content.delete
 * (asks first, saying how many playlist items go with it; Delete). Each
 * change shows at once and offers Undo (the sync engine's edits).
 * Filters: a type, a tag, and archived content instead of the rest.
 */
GtkWidget   *vz_content_page_new             (void);
void         vz_content_page_set_sync_engine (VzContentPage *self,
                                              VzSyncEngine  *engine);
/* Puts the focus in the search (Ctrl+F). */
void         vz_content_page_focus_search (VzContentPage *self);

/* For tests: the search entry and the grid's model as shown. */
GtkEditable *vz_content_page_get_search      (VzContentPage *self);
GListModel  *vz_content_page_get_shown       (VzContentPage *self);
/* Uploads @files as the chooser and a drop do. */
void         vz_content_page_upload_files    (VzContentPage *self,
                                              GFile * const *files,
                                              guint          n_files);
/* The content selected in the grid (transfer none), or NULL. */
VzContent   *vz_content_page_get_selected    (VzContentPage *self);
/* The uploads listed (VzUpload): under way, or refused and not dismissed. */
GListModel  *vz_content_page_get_uploads     (VzContentPage *self);

G_END_DECLS
