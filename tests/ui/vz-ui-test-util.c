/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-ui-test-util"

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-ui-test-util.h"
#include "vz-welcome-page-private.h"
#include "vz-window-private.h"

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
wait_for (Condition condition,
          gpointer  data,
          guint     timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, wake_up, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  return ok;
}

typedef struct {
  gboolean  done;
  GError   *error;
} SignIn;

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SignIn *sign = user_data;

  vz_session_login_finish (VZ_SESSION (source), result, &sign->error);
  sign->done = TRUE;
}

static gboolean
signed_in (gpointer data)
{
  return ((SignIn *) data)->done;
}

void
sign_in (VzSession  *session,
         const char *email,
         const char *password)
{
  SignIn sign = { FALSE, NULL };

  vz_session_login_async (session, email, password, NULL, on_signed_in, &sign);
  g_assert_true (wait_for (signed_in, &sign, 30));
  g_assert_no_error (sign.error);
}

VzSyncEngine *
ui_start_engine (const char *url,
                 gpointer    monitor,
                 const char *outbox_dir)
{
  static guint n;
  g_autoptr(VzSession) session = vz_session_new (url);
  g_autofree char *name = g_strdup_printf ("outbox-ui-%u.journal", ++n);
  g_autofree char *path = g_build_filename (outbox_dir, name, NULL);
  VzSyncEngine *engine;

  sign_in (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);
  engine = g_object_new (VZ_TYPE_SYNC_ENGINE, "session", session, "network-monitor", monitor, NULL);
  vz_sync_engine_set_outbox_path (engine, path);
  vz_sync_engine_start (engine);
  return engine;
}

VzWindow *
ui_open_window (VzSyncEngine *engine,
                int           width,
                int           height)
{
  VzWindow *window = vz_window_new (NULL);

  vz_window_set_sync_engine (window, engine);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
only_one_ref (gpointer object)
{
  return g_atomic_int_get (&G_OBJECT (object)->ref_count) == 1;
}

void
ui_assert_released (gpointer object)
{
  /* Callbacks of cancelled requests hold a reference until they run. */
  if (!wait_for (only_one_ref, object, 30))
    g_error ("The %s was still held by %u other references 30 s on", G_OBJECT_TYPE_NAME (object),
             g_atomic_int_get (&G_OBJECT (object)->ref_count) - 1);
  g_assert_finalize_object (object);
}

void
ui_close_window (VzWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_assert_released (window);
}

GtkWidget *
ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

gboolean
ui_toplevel_shown (gpointer type)
{
  return ui_find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static GtkWidget *
walk_widgets (GtkWidget     *widget,
              WidgetMatch    match,
              gconstpointer  data,
              gboolean       first_only,
              guint         *n)
{
  if (match (widget, data))
    {
      (*n)++;
      if (first_only)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = walk_widgets (child, match, data, first_only, n);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
ui_find_widget (GtkWidget     *root,
                WidgetMatch    match,
                gconstpointer  data)
{
  guint n = 0;

  return walk_widgets (root, match, data, TRUE, &n);
}

guint
ui_count_widgets (GtkWidget     *root,
                  WidgetMatch    match,
                  gconstpointer  data)
{
  guint n = 0;

  walk_widgets (root, match, data, FALSE, &n);
  return n;
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
ui_find_descendant (GtkWidget *widget,
                    GType      type)
{
  return ui_find_widget (widget, is_of_type, GSIZE_TO_POINTER (type));
}

static gboolean
is_action_button (GtkWidget     *widget,
                  gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

GtkWidget *
ui_find_action_button (GtkWidget  *widget,
                       const char *action)
{
  return ui_find_widget (widget, is_action_button, action);
}

void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (10, wake_up, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

void
collect_labels (GtkWidget  *widget,
                const char *css_class,
                GPtrArray  *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (out, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  else if (GTK_IS_INSCRIPTION (widget) && gtk_widget_has_css_class (widget, css_class) && gtk_widget_get_mapped (widget))
    {
      const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

      g_ptr_array_add (out, g_strdup (text != NULL ? text : ""));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, css_class, out);
}

GPtrArray *
visible_cells (VzDevicesPage *page,
               const char    *css_class)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  collect_labels (GTK_WIDGET (_vz_devices_page_get_column_view (page)), css_class, texts);
  return texts;
}

typedef struct {
  AppPhase       phase;
  gpointer       data;
  VzApplication *app;
} AppRun;

static gboolean
app_phase_idle (gpointer user_data)
{
  AppRun *run = user_data;
  GList *windows;

  run->phase (run->app, run->data);
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (run->app))) != NULL)
    gtk_window_destroy (GTK_WINDOW (windows->data));
  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

static void
app_activated (GApplication *app,
               AppRun       *run)
{
  /* Once: actions that bring the window up activate the app again. */
  g_signal_handlers_disconnect_by_func (app, app_activated, run);
  g_idle_add (app_phase_idle, run);
}

static void
run_app (const char         *app_id,
         GApplicationFlags   flags,
         const char * const *args,
         AppPhase            setup,
         AppPhase            phase,
         gpointer            data)
{
  g_autoptr(VzApplication) app = g_object_new (VZ_TYPE_APPLICATION,
                                               "application-id", app_id,
                                               "flags", flags,
                                               "resource-base-path", "/cloud/vizora/Desktop",
                                               NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  AppRun run = { phase, data, app };

  g_ptr_array_add (argv, (gpointer) "vizora-desktop");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (setup != NULL)
    setup (app, data);
  g_signal_connect_after (app, "activate", G_CALLBACK (app_activated), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), (int) argv->len - 1, (char **) argv->pdata), ==, 0);
}

void
app_run_full (const char * const *args,
              AppPhase            setup,
              AppPhase            phase,
              gpointer            data)
{
  /* Not unique: no bus name to wait for between two starts. */
  run_app ("cloud.vizora.Desktop.Test", G_APPLICATION_NON_UNIQUE, args, setup, phase, data);
}

void
app_run_on_bus (const char         *app_id,
                const char * const *args,
                AppPhase            setup,
                AppPhase            phase,
                gpointer            data)
{
  run_app (app_id, G_APPLICATION_DEFAULT_FLAGS, args, setup, phase, data);
}

void
app_run (AppPhase phase,
         gpointer data)
{
  app_run_full (NULL, NULL, phase, data);
}

gboolean
ui_fleet_shown (gpointer window)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  return engine != NULL && vz_sync_engine_get_loaded (engine) &&
         gtk_widget_get_mapped (GTK_WIDGET (vz_window_get_devices_page (window)));
}

typedef struct {
  GListModel *rows;
  guint       n;
} RowsWanted;

static gboolean
list_holds (gpointer data)
{
  RowsWanted *wanted = data;

  return g_list_model_get_n_items (wanted->rows) == wanted->n;
}

void
ui_wait_for_rows (VzDevicesPage *page,
                  guint          n)
{
  RowsWanted wanted = { G_LIST_MODEL (gtk_column_view_get_model (_vz_devices_page_get_column_view (page))), n };

  if (!wait_for (list_holds, &wanted, 30))
    g_error ("The Devices list has %u rows after 30 s, not %u", g_list_model_get_n_items (wanted.rows), n);
}

gboolean
ui_about_says (gpointer text)
{
  GtkWidget *about = ui_find_toplevel (ADW_TYPE_ABOUT_WINDOW);

  return about != NULL && gtk_widget_get_mapped (about) &&
         strstr (adw_about_window_get_comments (ADW_ABOUT_WINDOW (about)), text) != NULL;
}

gboolean
ui_toast_says (gpointer text)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (g_application_get_default ()));

  return windows != NULL && g_strcmp0 (_vz_window_get_last_toast (windows->data), text) == 0;
}

static gboolean
match_undo_button (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Undo") == 0;
}

GtkWidget *
ui_toast_undo_button (VzWindow *window)
{
  return ui_find_widget (GTK_WIDGET (window), match_undo_button, NULL);
}

gboolean
ui_toast_offers_undo (gpointer window)
{
  return ui_toast_undo_button (window) != NULL;
}

char *
ui_own_data_home (const char *name)
{
  g_autofree char *template = g_strdup_printf ("vz-ui-%s-home-XXXXXX", name);
  g_autofree char *data_home = NULL;
  char *home = g_dir_make_tmp (template, NULL);

  g_assert_nonnull (home);
  data_home = g_build_filename (home, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* GLib reads the folder once, at its first use (GTK's start uses it):
   * called later, the app would go on using the folder all tests share. */
  if (g_strcmp0 (g_get_user_data_dir (), data_home) != 0)
    g_error ("ui_own_data_home() must come before GTK starts: GLib keeps %s as the data folder",
             g_get_user_data_dir ());
  return home;
}

VzWindow *
ui_app_window (VzApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_nonnull (windows);
  return VZ_WINDOW (windows->data);
}

gboolean
ui_sign_in_form_up (gpointer window)
{
  return g_strcmp0 (_vz_welcome_page_get_page (vz_window_get_welcome_page (window)), "sign-in") == 0;
}

gboolean
ui_window_signed_in (gpointer window)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  return engine != NULL && vz_session_get_signed_in (vz_sync_engine_get_session (engine));
}

void
ui_sign_in_with_form (VzWindow   *window,
                      const char *password)
{
  VzWelcomePage *welcome = vz_window_get_welcome_page (window);

  g_assert_true (wait_for (ui_sign_in_form_up, window, 20));
  gtk_editable_set_text (_vz_welcome_page_get_password_row (welcome), password);
  g_signal_emit_by_name (_vz_welcome_page_get_sign_in_button (welcome), "clicked");
}

/* ---- a fleet in a window ---- */

typedef struct {
  VzDevicesPage *page;
  guint          rows;
} RowsShown;

static gboolean
rows_shown (gpointer data)
{
  RowsShown *want = data;
  g_autoptr(GPtrArray) names = visible_cells (want->page, "vz-cell-name");

  return names->len == want->rows;
}

void
ui_fleet_open (UiFleet            *fleet,
               const char * const *names,
               const char         *outbox_dir)
{
  g_autofree char *token = NULL;
  RowsShown shown = { NULL, 0 };

  fleet->server = vz_test_server_start (NULL);
  token = vz_test_server_login (fleet->server);
  for (; names[shown.rows] != NULL; shown.rows++)
    g_free (vz_test_server_pair_screen (fleet->server, token, names[shown.rows], NULL));

  fleet->engine = ui_start_engine (fleet->server->url, NULL, outbox_dir);
  fleet->window = ui_open_window (fleet->engine, 1000, 700);
  fleet->page = vz_window_get_devices_page (fleet->window);
  shown.page = fleet->page;
  g_assert_true (wait_for (rows_shown, &shown, 30));
}

void
ui_fleet_close (UiFleet *fleet)
{
  ui_close_window (fleet->window);
  vz_sync_engine_stop (fleet->engine);
  g_clear_object (&fleet->engine);
  g_clear_pointer (&fleet->server, vz_test_server_free);
}

/* ---- real input ---- */

static void
xdotool (const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "xdotool");
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    g_error ("xdotool (tools/install-deps installs it) did not run: %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s failed: %s %s", first_arg, error->message, err);
}

static char *
x_window_id (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

/* Presses and releases GDK has handed to the app so far, of keys and of
 * pointer buttons, on any of its surfaces (a window, a dialog, a popover).
 * Every event of every surface goes through GdkSurface::event, and the app
 * has handled it by the time the main loop iteration that emitted it
 * returns. Two exceptions: a button press that closes an open popover
 * (a click outside it) is taken by GDK for that and not emitted; and a
 * press whose surface closes (an item of a popover, Escape in a dialog)
 * leaves its release to whichever window is under the pointer or has the
 * focus then, which may be none of the app's. */
typedef struct {
  guint presses;
  guint releases;
} InputCounts;

static InputCounts keys_seen;
static InputCounts buttons_seen;
/* The surface of the last press, key or button (a weak pointer). */
static GdkSurface *pressed_on;

static gboolean
count_input (GSignalInvocationHint *hint,
             guint                  n_values,
             const GValue          *values,
             gpointer               data)
{
  GdkEvent *event = g_value_peek_pointer (&values[1]);
  GdkEventType type = gdk_event_get_event_type (event);
  InputCounts *counts;

  if (type == GDK_KEY_PRESS || type == GDK_KEY_RELEASE)
    counts = &keys_seen;
  else if (type == GDK_BUTTON_PRESS || type == GDK_BUTTON_RELEASE)
    counts = &buttons_seen;
  else
    return TRUE;

  if (type == GDK_KEY_PRESS || type == GDK_BUTTON_PRESS)
    {
      counts->presses++;
      g_set_weak_pointer (&pressed_on, gdk_event_get_surface (event));
    }
  else
    counts->releases++;
  return TRUE;
}

static void
count_input_events (void)
{
  static gulong hook;

  if (hook == 0)
    hook = g_signal_add_emission_hook (g_signal_lookup ("event", GDK_TYPE_SURFACE), 0, count_input, NULL, NULL);
}

typedef struct {
  const InputCounts *seen;
  InputCounts        want;
  /* Keys: each press reaches the app. Buttons: see above. */
  gboolean           every_press;
} InputWanted;

static gboolean
input_handled (gpointer data)
{
  InputWanted *wanted = data;
  gboolean pressed = wanted->seen->presses >= wanted->want.presses;

  if (wanted->every_press && !pressed)
    return FALSE;
  if (wanted->seen->releases >= wanted->want.releases)
    return TRUE;
  return pressed && (pressed_on == NULL || !gdk_surface_get_mapped (pressed_on));
}

/* Input given through the X server reaches the app when the X server and
 * the app get to it, which on a busy machine can take long: runs the main
 * loop until the app has handled @n presses and releases more than
 * @before, then a few frames, in which the app draws what the input led
 * to (a page's transition, a popover placing itself). */
#define INPUT_SETTLE_MS 50

static void
wait_input (const InputCounts *seen,
            InputCounts        before,
            guint              n,
            gboolean           every_press,
            const char        *what)
{
  InputWanted wanted = { seen, { before.presses + n, before.releases + n }, every_press };

  if (!wait_for (input_handled, &wanted, 30))
    g_error ("The app did not get %s within 30 s (%u of %u presses, %u of %u releases)", what,
             seen->presses - before.presses, n, seen->releases - before.releases, n);
  spin (INPUT_SETTLE_MS);
}

/* Whether the X server sends the keys to @window. */
static gboolean
has_x_focus (gpointer data)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (data));
  Window focus = None;
  int revert;

  XGetInputFocus (GDK_SURFACE_XDISPLAY (surface), &focus, &revert);
  return focus == gdk_x11_surface_get_xid (surface) && gtk_window_is_active (data);
}

void
x_keys (GtkWindow  *window,
        const char *keys)
{
  g_autofree char *id = x_window_id (GTK_WIDGET (window));
  g_auto(GStrv) each = g_strsplit (keys, " ", -1);

  count_input_events ();
  xdotool ("windowfocus", "--sync", id, NULL);
  if (!wait_for (has_x_focus, window, 20))
    g_error ("The %s did not get the keyboard's focus within 20 s", G_OBJECT_TYPE_NAME (window));
  for (guint i = 0; each[i] != NULL; i++)
    {
      g_auto(GStrv) chord = g_strsplit (each[i], "+", -1);
      g_autofree char *what = g_strdup_printf ("the key press “%s”", each[i]);
      InputCounts before = keys_seen;

      xdotool ("key", "--clearmodifiers", each[i], NULL);
      wait_input (&keys_seen, before, g_strv_length (chord), TRUE, what);
    }
}

gboolean
x_key_until (GtkWindow  *window,
             const char *key,
             Condition   done,
             gpointer    data,
             guint       timeout_s)
{
  /* Without a window manager, a window closing (a popover, a dialog) can
   * leave the keyboard's focus elsewhere. */
  if (!has_x_focus (window))
    {
      g_autofree char *id = x_window_id (GTK_WIDGET (window));

      xdotool ("windowfocus", "--sync", id, NULL);
      if (!wait_for (has_x_focus, window, 20))
        g_error ("The %s did not get the keyboard's focus within 20 s", G_OBJECT_TYPE_NAME (window));
    }
  xdotool ("key", "--clearmodifiers", key, NULL);
  return wait_for (done, data, timeout_s);
}

/* Where (@x, @y) of @widget is on its window's X surface. */
static void
surface_point (GtkWidget *widget,
               double     x,
               double     y,
               int       *out_x,
               int       *out_y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t point;
  double surface_x, surface_y;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT ((float) x, (float) y),
                                           &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  *out_x = (int) (point.x + surface_x);
  *out_y = (int) (point.y + surface_y);
}

/* A widget the pointer can hit: its X window is viewable and the widget
 * has stood at the same place on the screen for a while. A popover or a
 * dialog is mapped in GTK before the X server shows it, and its rows are
 * still moving while it sizes itself; a click then lands elsewhere. */
typedef struct {
  GtkWidget *widget;
  gboolean   seen;
  int        x;
  int        y;
  gint64     since;
} Settle;

#define SETTLED_US (150 * G_TIME_SPAN_MILLISECOND)

static gboolean
settled_on_screen (gpointer data)
{
  Settle *settle = data;
  GdkSurface *surface;
  Display *dpy;
  XWindowAttributes attrs;
  Window child;
  int root_x = 0, root_y = 0, x, y;
  gboolean viewable;
  gint64 now = g_get_monotonic_time ();

  if (!gtk_widget_get_mapped (settle->widget))
    {
      settle->seen = FALSE;
      return FALSE;
    }
  surface = gtk_native_get_surface (gtk_widget_get_native (settle->widget));
  dpy = GDK_SURFACE_XDISPLAY (surface);
  gdk_x11_display_error_trap_push (gdk_surface_get_display (surface));
  viewable = XGetWindowAttributes (dpy, gdk_x11_surface_get_xid (surface), &attrs) &&
             attrs.map_state == IsViewable &&
             XTranslateCoordinates (dpy, gdk_x11_surface_get_xid (surface), attrs.root, 0, 0,
                                    &root_x, &root_y, &child);
  gdk_x11_display_error_trap_pop_ignored (gdk_surface_get_display (surface));
  if (!viewable)
    {
      settle->seen = FALSE;
      return FALSE;
    }
  surface_point (settle->widget, gtk_widget_get_width (settle->widget) / 2.,
                 gtk_widget_get_height (settle->widget) / 2., &x, &y);
  x += root_x;
  y += root_y;
  if (!settle->seen || settle->x != x || settle->y != y)
    {
      settle->seen = TRUE;
      settle->x = x;
      settle->y = y;
      settle->since = now;
      return FALSE;
    }
  return now - settle->since >= SETTLED_US;
}

void
x_click (GtkWidget  *widget,
         const char *modifiers,
         guint       n)
{
  g_autofree char *id = x_window_id (widget);
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *repeat = g_strdup_printf ("%u", n);
  g_autofree char *what = g_strdup_printf ("the click on a %s", G_OBJECT_TYPE_NAME (widget));
  Settle settle = { widget, FALSE, 0, 0, 0 };
  InputCounts before;
  int sx, sy;

  g_assert_true (gtk_widget_get_mapped (widget));
  count_input_events ();
  if (!wait_for (settled_on_screen, &settle, 10))
    g_error ("%s was not shown still on the screen within 10 s: the click would land elsewhere",
             G_OBJECT_TYPE_NAME (widget));
  surface_point (widget, gtk_widget_get_width (widget) / 2., gtk_widget_get_height (widget) / 2., &sx, &sy);
  x = g_strdup_printf ("%d", sx);
  y = g_strdup_printf ("%d", sy);
  xdotool ("mousemove", "--sync", "--window", id, x, y, NULL);
  before = buttons_seen;
  if (modifiers != NULL)
    xdotool ("keydown", modifiers, "click", "--repeat", repeat, "--delay", "60", "1", "keyup", modifiers, NULL);
  else
    xdotool ("click", "--repeat", repeat, "--delay", "60", "1", NULL);
  wait_input (&buttons_seen, before, n, FALSE, what);
}

void
x_drag (GtkWidget *widget,
        double     x0,
        double     y0,
        double     x1,
        double     y1)
{
  g_autofree char *id = x_window_id (widget);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const guint steps = 12;
  InputCounts before;
  int ax, ay, bx, by;

  g_assert_true (gtk_widget_get_mapped (widget));
  count_input_events ();
  surface_point (widget, x0, y0, &ax, &ay);
  surface_point (widget, x1, y1, &bx, &by);
  g_ptr_array_add (argv, g_strdup ("xdotool"));
  g_ptr_array_add (argv, g_strdup ("mousemove"));
  g_ptr_array_add (argv, g_strdup ("--window"));
  g_ptr_array_add (argv, g_strdup (id));
  g_ptr_array_add (argv, g_strdup_printf ("%d", ax));
  g_ptr_array_add (argv, g_strdup_printf ("%d", ay));
  g_ptr_array_add (argv, g_strdup ("mousedown"));
  g_ptr_array_add (argv, g_strdup ("1"));
  for (guint i = 1; i <= steps; i++)
    {
      g_ptr_array_add (argv, g_strdup ("sleep"));
      g_ptr_array_add (argv, g_strdup ("0.04"));
      g_ptr_array_add (argv, g_strdup ("mousemove"));
      g_ptr_array_add (argv, g_strdup ("--window"));
      g_ptr_array_add (argv, g_strdup (id));
      g_ptr_array_add (argv, g_strdup_printf ("%d", ax + (bx - ax) * (int) i / (int) steps));
      g_ptr_array_add (argv, g_strdup_printf ("%d", ay + (by - ay) * (int) i / (int) steps));
    }
  g_ptr_array_add (argv, g_strdup ("sleep"));
  g_ptr_array_add (argv, g_strdup ("0.1"));
  g_ptr_array_add (argv, g_strdup ("mouseup"));
  g_ptr_array_add (argv, g_strdup ("1"));
  g_ptr_array_add (argv, NULL);

  /* xdotool sleeps between the moves: the app answers meanwhile. */
  before = buttons_seen;
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  while (g_subprocess_get_identifier (process) != NULL)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_true (g_subprocess_get_successful (process));
  wait_input (&buttons_seen, before, 1, FALSE, "the drag's press and release");
}

GtkWidget *
ui_window_content (GtkWindow *window)
{
  if (ADW_IS_APPLICATION_WINDOW (window))
    return adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  return gtk_window_get_child (window);
}

typedef struct {
  GtkWidget *content;
  int        width;
  int        height;
} SizeWanted;

static gboolean
content_has_size (gpointer data)
{
  SizeWanted *want = data;

  return gtk_widget_get_width (want->content) == want->width &&
         gtk_widget_get_height (want->content) == want->height;
}

void
x_resize (GtkWindow *window,
          int        width,
          int        height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  SizeWanted want = { ui_window_content (window), width, height };
  g_autofree char *id = x_window_id (GTK_WIDGET (window));

  /* The frame is what the X window has around the content; it is known
   * for sure once a size has been laid out, so a first try may miss. */
  for (guint attempt = 0; attempt < 3 && !content_has_size (&want); attempt++)
    {
      g_autofree char *x_width = g_strdup_printf ("%d", width + gdk_surface_get_width (surface) -
                                                       gtk_widget_get_width (want.content));
      g_autofree char *x_height = g_strdup_printf ("%d", height + gdk_surface_get_height (surface) -
                                                        gtk_widget_get_height (want.content));

      xdotool ("windowsize", "--sync", id, x_width, x_height, NULL);
      wait_for (content_has_size, &want, 5);
    }
  if (!content_has_size (&want))
    g_error ("The window's content is %d × %d px, not %d × %d",
             gtk_widget_get_width (want.content), gtk_widget_get_height (want.content), width, height);
}

void
ui_init_x11 (int    *argc,
             char ***argv)
{
  g_autofree char *xdotool_path = NULL;

  /* Real pointer and key events need the X server (Xvfb). */
  g_setenv ("GDK_BACKEND", "x11", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  xdotool_path = g_find_program_in_path ("xdotool");
  if (xdotool_path == NULL)
    g_error ("xdotool is not installed (tools/install-deps installs it)");
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    g_error ("These tests drive an X server (run them under xvfb-run)");
}

/* GTK 4.8 makes a GtkCssStaticStyle (a GObject type of its own, private)
 * for each style it computes from the style sheets: its class's
 * constructed() is wrapped to count them. */
static gint64 styles_computed;
static void (*static_style_constructed) (GObject *object);

static void
count_static_style (GObject *object)
{
  styles_computed++;
  static_style_constructed (object);
}

gboolean
ui_count_styles (void)
{
  GType type = g_type_from_name ("GtkCssStaticStyle");
  GObjectClass *klass;

  if (type == 0)
    return FALSE;
  klass = g_type_class_ref (type);
  if (klass->constructed != count_static_style)
    {
      static_style_constructed = klass->constructed;
      klass->constructed = count_static_style;
    }
  return TRUE;
}

gint64
ui_styles_computed (void)
{
  return styles_computed;
}
