/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-ui-test-util"

#include "config.h"

#include "vz-test-server.h"
#include "vz-ui-test-util.h"

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

void
ui_close_window (VzWindow *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  /* Callbacks of cancelled requests hold a reference until they run. */
  spin (200);
  g_assert_finalize_object (window);
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

GtkWidget *
ui_find_descendant (GtkWidget *widget,
                    GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_find_descendant (child, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
ui_find_action_button (GtkWidget  *widget,
                       const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_find_action_button (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
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
  g_idle_add (app_phase_idle, run);
}

void
app_run_full (const char * const *args,
              AppPhase            setup,
              AppPhase            phase,
              gpointer            data)
{
  /* Not unique: no bus name to wait for between two starts. */
  g_autoptr(VzApplication) app = g_object_new (VZ_TYPE_APPLICATION,
                                               "application-id", "cloud.vizora.Desktop.Test",
                                               "flags", G_APPLICATION_NON_UNIQUE,
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
app_run (AppPhase phase,
         gpointer data)
{
  app_run_full (NULL, NULL, phase, data);
}
