/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-content-page.h"
#include "vz-test-monitor.h"
#include "vz-ui-test-util.h"

G_BEGIN_DECLS

/*
 * What the Content page's tests share: a real server, the app's window on
 * its Content page, files written for uploads, what the grid shows and what
 * the server holds, and clicks on cells and on the page's buttons (xdotool
 * through Xvfb).
 */

typedef struct {
  VzTestServer  *server;
  char          *token;
  VzSyncEngine  *engine;
  VzWindow      *window;
  VzContentPage *page;
  gint64         want;
} Fixture;

typedef struct {
  Fixture    *fx;
  const char *name;
} CellQuery;

/* Where each test's engine keeps its queue of changes, and where the
 * files to upload are written (both made by content_test_main()). */
extern char *outbox_root;
extern char *files_dir;

/* Starts a server (unless fx->server is set), an engine watching @monitor
 * and a window on the Content page, and returns once the page is shown
 * and the engine has read the server. */
void        fixture_open       (Fixture       *fx,
                                VzTestMonitor *monitor);
/* Closes the window (proving nothing else holds it), stops the engine and the server. */
void        fixture_close      (Fixture       *fx);

/* Files under files_dir (transfer full: the path): @size bytes of @data;
 * a 64 × 40 PNG; a small PDF; an MP4 of @size bytes as the server checks
 * one (an ftyp box, then an mdat box of zeros to the end: a sparse file). */
char       *write_bytes        (const char    *name,
                                const void    *data,
                                gsize          size);
char       *write_png          (const char    *name);
char       *write_pdf          (const char    *name);
char       *write_mp4          (const char    *name,
                                goffset        size);

/* Uploads the files at @paths (NULL-terminated) from the page, as the
 * files the chooser gives are (content.upload-files). */
void        upload_paths       (Fixture            *fx,
                                const char * const *paths);

/* How much content the server lists. */
gint64      server_total       (Fixture       *fx);
/* The server item @id's "data" (NULL once it is gone), held by *@keep. */
JsonObject *server_content     (Fixture       *fx,
                                const char    *id,
                                JsonNode     **keep);
/* Waits for the server's content @id to have @member = @want (a string
 * member's value, a number in digits, "tag:<id>" a tag it carries,
 * "!tag:<id>" one it does not), or with @member NULL to be gone. */
void        expect_server      (Fixture       *fx,
                                const char    *id,
                                const char    *member,
                                const char    *want);

/* Conditions on @data (a Fixture): the server lists, the grid shows, the
 * page lists as uploads fx->want items; nothing waits to be sent. */
gboolean    server_total_is    (gpointer       data);
gboolean    shown_count_is     (gpointer       data);
gboolean    uploads_listed_is  (gpointer       data);
gboolean    no_pending         (gpointer       data);
/* @data (a widget) is mapped. */
gboolean    mapped             (gpointer       data);
/* A mapped cell shows the content named @query->name (a CellQuery). */
gboolean    cell_shown         (gpointer       data);

/* Widget matches for ui_find_widget(): a mapped button that runs the
 * action @data; a shown dropdown whose tooltip reads @data; a mapped cell
 * of content named @data; a mapped label with the CSS class @data; a
 * mapped button labelled @data. */
gboolean    match_action_button (GtkWidget     *widget,
                                 gconstpointer  data);
gboolean    match_dropdown      (GtkWidget     *widget,
                                 gconstpointer  data);
gboolean    match_cell_named    (GtkWidget     *widget,
                                 gconstpointer  data);
gboolean    match_label_class   (GtkWidget     *widget,
                                 gconstpointer  data);
gboolean    match_button_label  (GtkWidget     *widget,
                                 gconstpointer  data);

/* The words of @name's cell's badge of @css_class, as shown. */
const char *cell_badge         (Fixture       *fx,
                                const char    *name,
                                const char    *css_class);
/* Waits for @name's cell to show (@shown) or to be gone. */
void        expect_cell        (Fixture       *fx,
                                const char    *name,
                                gboolean       shown);
/* Clicks @name's cell and waits for it to be the selected content. */
void        click_cell         (Fixture       *fx,
                                const char    *name);
/* Clicks the page's button for @action once the action bar shows it. */
void        click_action       (Fixture       *fx,
                                const char    *action);

/* Needs the server, starts GTK on X11, makes outbox_root and files_dir
 * under names from @name, adds the tests (@add_tests), runs them, and
 * removes the folders. */
int         content_test_main  (int            argc,
                                char          *argv[],
                                const char    *name,
                                void         (*add_tests) (void));

G_END_DECLS
