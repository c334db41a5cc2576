/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "vz-application.h"
#include "vz-window.h"
#include "vz-session.h"
#include "vz-devices-page-private.h"
#include "vz-test-server.h"

G_BEGIN_DECLS

/* What UI tests share: waiting on the main loop, reading what the page
 * shows as a person would, and running the whole application. */

typedef gboolean (*Condition) (gpointer data);

/* Runs the main loop until @condition holds; FALSE after @timeout_s. */
gboolean   wait_for      (Condition      condition,
                          gpointer       data,
                          guint          timeout_s);
/* Signs @session in with the real server, running the main loop meanwhile;
 * fails the test if the sign-in is refused. */
void       sign_in       (VzSession     *session,
                          const char    *email,
                          const char    *password);
/* A sync engine signed in to @url as the test admin, its outbox a new
 * journal under @outbox_dir, watching @monitor (a GNetworkMonitor, or NULL
 * for the system's), started. */
VzSyncEngine *ui_start_engine (const char    *url,
                               gpointer       monitor,
                               const char    *outbox_dir);
/* A main window on @engine, @width × @height, presented. */
VzWindow  *ui_open_window (VzSyncEngine  *engine,
                           int            width,
                           int            height);
/* Destroys @window and proves nothing else holds it. */
void       ui_close_window (VzWindow     *window);
/* Drops the caller's reference to @object and proves it was the last, once
 * what else held it (the callbacks of cancelled requests) has let go. */
void       ui_assert_released (gpointer   object);
/* The shown toplevel window of @type, or NULL. */
GtkWidget *ui_find_toplevel (GType        type);
/* Whether a toplevel window of the GType in @type (GSIZE_TO_POINTER) shows. */
gboolean   ui_toplevel_shown (gpointer    type);
/* The first widget of @type under @widget (or itself), depth first. */
GtkWidget *ui_find_descendant (GtkWidget *widget,
                               GType      type);
/* The first button under @widget that runs @action. */
GtkWidget *ui_find_action_button (GtkWidget  *widget,
                                  const char *action);
/* Runs the main loop for @ms. */
void       spin          (guint          ms);
/* The texts of the mapped labels with @css_class under @widget, in tree
 * order, added to @out. */
void       collect_labels (GtkWidget    *widget,
                           const char   *css_class,
                           GPtrArray    *out);
/* Walks, depth first, through @root and everything under it. */
typedef gboolean (*WidgetMatch) (GtkWidget     *widget,
                                 gconstpointer  data);
/* The first widget @match accepts, or NULL. */
GtkWidget *ui_find_widget (GtkWidget    *root,
                           WidgetMatch   match,
                           gconstpointer data);
/* How many widgets @match accepts (it sees them all). */
guint      ui_count_widgets (GtkWidget  *root,
                             WidgetMatch match,
                             gconstpointer data);
/* The texts of the page's cells with @css_class ("vz-cell-status"…), row by row. */
GPtrArray *visible_cells (VzDevicesPage *page,
                          const char    *css_class);

/* The real application, run as main.c runs it: @phase runs once the app
 * has activated, then every window is closed and the app quits. Each run is
 * a new start: new session, engine and window. */
typedef void (*AppPhase) (VzApplication *app, gpointer data);
void       app_run       (AppPhase       phase,
                          gpointer       data);
/* The same with @args on the command line (after the program's name;
 * NULL: none), and @setup (nullable) run before the app starts. */
void       app_run_full  (const char * const *args,
                          AppPhase       setup,
                          AppPhase       phase,
                          gpointer       data);
/* The same, owning @app_id on the session bus, where `gapplication action`
 * and D-Bus activation reach it. */
void       app_run_on_bus (const char         *app_id,
                           const char * const *args,
                           AppPhase            setup,
                           AppPhase            phase,
                           gpointer            data);

/* Conditions for wait_for(): the window (@window) shows its fleet, read
 * from the server, on the Devices page; the About window's comments hold
 * @text. */
gboolean   ui_fleet_shown (gpointer window);
gboolean   ui_about_says  (gpointer text);
/* The Devices list (@page) has a row for each of its @n screens: filled
 * from empty, it has only a screenful until its next frame. */
void       ui_wait_for_rows (VzDevicesPage *page,
                             guint          n);
/* The newest toast of the running app's window reads @text. */
gboolean   ui_toast_says  (gpointer text);
/* The Undo button of a toast shown in @window, or NULL; a condition for
 * wait_for(): @window (a VzWindow) shows one. */
GtkWidget *ui_toast_undo_button (VzWindow *window);
gboolean   ui_toast_offers_undo (gpointer  window);

/* A new folder of the test's own ("vz-ui-@name-home-…") for the saved
 * sign-ins and outboxes of its runs: $XDG_DATA_HOME becomes its "data"
 * folder. Call it before GTK starts. Remove it with vz_test_remove_tree() after the run. */
char      *ui_own_data_home (const char *name);

/* The running @app's main window (there must be one). */
VzWindow  *ui_app_window  (VzApplication *app);

/* Conditions for wait_for(): the window (@window) shows the sign-in form;
 * it has an engine whose session is signed in. */
gboolean   ui_sign_in_form_up  (gpointer window);
gboolean   ui_window_signed_in (gpointer window);
/* Waits for @window's sign-in form, types @password (the email is the
 * form's own) and presses Sign In. */
void       ui_sign_in_with_form (VzWindow   *window,
                                 const char *password);

/* A real server with screens paired under @names, an engine signed in to
 * it (its queue of changes in @outbox_dir), and a window that shows them. */
typedef struct {
  VzTestServer  *server;
  VzSyncEngine  *engine;
  VzWindow      *window;
  VzDevicesPage *page;
} UiFleet;
/* Returns once the window shows a row for each name. */
void       ui_fleet_open (UiFleet           *fleet,
                          const char * const *names,
                          const char        *outbox_dir);
/* Destroys the window, proving nothing else holds it, and stops the rest. */
void       ui_fleet_close (UiFleet          *fleet);

/*
 * Real input through the X server (xdotool, XTEST), as a person gives it,
 * and the window's size as a window manager sets it. Under Xvfb there is no
 * compositor, so GTK draws the window's frame inside the X window: sizes
 * here are of the window's content, without that frame.
 */
/* gtk_test_init() and adw_init() for tests that give real input: the
 * X11 backend (Xvfb), no cursor blink; fails the test, saying why, without
 * xdotool or an X server. */
void       ui_init_x11   (int           *argc,
                          char        ***argv);
/* Focuses @window and presses @keys in turn ("Tab", "ctrl+f", "Escape"),
 * each once the app has handled the one before; returns once the app has
 * handled the last one's presses and releases. */
void       x_keys        (GtkWindow     *window,
                          const char    *keys);
/* Presses @key once ("Tab", "shift+Tab", "Right") in @window, which is
 * focused first unless it is the active window already, and runs the main
 * loop until @done holds, up to @timeout_s; returns whether it did. */
gboolean   x_key_until   (GtkWindow     *window,
                          const char    *key,
                          Condition      done,
                          gpointer       data,
                          guint          timeout_s);
/* Moves the pointer to the middle of @widget and clicks the first button
 * @n times (2: a double click), holding @modifiers ("ctrl", "shift",
 * "ctrl+shift", or NULL) down meanwhile; returns once the app has handled
 * the clicks (fails the test after 30 s without them). */
void       x_click       (GtkWidget     *widget,
                          const char    *modifiers,
                          guint          n);
/* Presses the first button at (@x0, @y0) of @widget, moves the pointer in
 * steps to (@x1, @y1) and lets go there, while the app runs; returns once
 * the app has handled the release. A drag within the app's own handling
 * (a GtkGestureDrag): a drag and drop takes the release for itself. */
void       x_drag        (GtkWidget     *widget,
                          double         x0,
                          double         y0,
                          double         x1,
                          double         y1);
/* Resizes @window's X window so that its content is @width × @height, and
 * runs the main loop until it is. */
void       x_resize      (GtkWindow     *window,
                          int            width,
                          int            height);
/* The widget the window's content is, whose size x_resize() sets. */
GtkWidget *ui_window_content (GtkWindow *window);

/* Counts the styles GTK computes from the style sheets from now on, and
 * returns TRUE; FALSE if it cannot (a GTK without a GtkCssStaticStyle
 * type). */
gboolean   ui_count_styles    (void);
/* The styles computed since ui_count_styles(). */
gint64     ui_styles_computed (void);

G_END_DECLS
