/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "vz-playlist-editor.h"
#include "vz-playlists-page.h"
#include "vz-ui-test-util.h"

G_BEGIN_DECLS

/*
 * What the Playlists tests share: a real server with content and
 * playlists made over HTTP, the app's page and editor, what they show and
 * what the server holds, and real pointer input (xdotool through Xvfb).
 */

typedef struct {
  VzTestServer     *server;
  char             *token;
  VzSyncEngine     *engine;
  VzWindow         *window;
  VzPlaylistsPage  *page;
  VzPlaylistEditor *editor;
  char             *playlist_id;
  gconstpointer     want;
} Fixture;


/* Where each test's engine keeps its queue of changes (set by main()). */
extern char *outbox_root;

/* Closes the window (proving nothing else holds it), stops the engine and the server. */
void       fixture_close    (Fixture            *fx);

/* A web page content item named @name on the server; its id (transfer full). */
char      *create_content   (Fixture            *fx,
                             const char         *name);
/* A playlist of @content_ids on the server; its id (transfer full). */
char      *create_playlist  (Fixture            *fx,
                             const char         *name,
                             const char * const *content_ids);
/* The content names of fx->playlist_id's items on the server, in order, "|" between. */
char      *server_order     (Fixture            *fx);
/* Conditions on fx->want (a string). */
gboolean   server_order_is  (gpointer            data);
gboolean   shown_order_is   (gpointer            data);
/* The playlists' rows, "name: details" joined by "|". */
gboolean   list_reads       (gpointer            data);
gboolean   nothing_pending  (gpointer            data);

/* The editor's row that shows the item at @index, or NULL (out of sight). */
GtkWidget *item_row         (Fixture            *fx,
                             guint               index);
/* The names the editor's rows in sight show, top to bottom, "|" between. */
char      *shown_order      (Fixture            *fx);

/* The editor's playlist holds GPOINTER_TO_UINT (fx->want) items and its
 * first row shows. */
gboolean   editor_holds     (gpointer            data);
/* The place of the first item of content @name in the editor's playlist
 * (G_MAXUINT: none). */
guint      model_position   (Fixture            *fx,
                             const char         *name);
/* The content names of all the editor's playlist's items, "|" between. */
char      *model_order      (Fixture            *fx);
/* The row of the item at GPOINTER_TO_UINT (fx->want) is all in sight. */
gboolean   row_in_view      (gpointer            data);

/* The line that shows where a dragged item would land: the place it
 * names (0: before the first item, n: after the last), or FALSE when no
 * row shows one. */
gboolean   drop_line_at     (Fixture            *fx,
                             guint              *gap);

/* The line as the frames drawn showed it, while watched. */
typedef struct {
  Fixture       *fx;
  GdkFrameClock *clock;
  gulong         handler;
  guint          painted; /* frames drawn */
  guint          frames;  /* frames drawn with a line */
  guint          gap;     /* the place the last of them showed */
} DropLine;

void       watch_drop_line  (Fixture            *fx,
                             DropLine           *line);
void       unwatch_drop_line (Fixture           *fx,
                              DropLine          *line);

/* Runs xdotool with @args (NULL-terminated), failing the test if it fails. */
void       pl_xdotool       (const char * const *args);
/* Where @fraction of @widget's height, in the middle of its width, is on
 * its window's X surface. */
void       point_on         (GtkWidget          *widget,
                             double              fraction,
                             int                *x,
                             int                *y);
/* Presses the first button at @x0, @y0 of @window's X surface, moves the
 * pointer in steps (as a hand does) to @x1, @y1, holds it there @hold_ms,
 * and lets go, the main loop running meanwhile. */
void       drag_points      (GtkWidget          *window,
                             int                 x0,
                             int                 y0,
                             int                 x1,
                             int                 y1,
                             guint               hold_ms);
/* The same, held until @until (@data) is TRUE, at most @max_ms; says
 * whether it was. */
gboolean   drag_points_until (GtkWidget         *window,
                              int                x0,
                              int                y0,
                              int                x1,
                              int                y1,
                              GSourceFunc        until,
                              gpointer           data,
                              guint              max_ms);
/* Presses the button on @from's name, moves the pointer to @fraction of
 * @to's height, and lets go there. */
void       drag_row         (Fixture            *fx,
                             GtkWidget          *from,
                             GtkWidget          *to,
                             double              fraction);
/* Waits until the window's last toast reads @text, failing the test after 20 s. */
void       wait_toast       (Fixture            *fx,
                             const char         *text);

/* A test program's main(): the X server and GTK set up, @add_tests run to
 * add the tests, outbox_root made under a name from @name, the tests run. */
int        pl_test_main     (int                 argc,
                             char               *argv[],
                             const char         *name,
                             void              (*add_tests) (void));

/* Saves the screen as @name under $VZ_TEST_SCREENSHOT_DIR, when set. */
void       save_screenshot  (const char         *name);

G_END_DECLS
