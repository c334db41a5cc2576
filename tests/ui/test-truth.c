/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-ui-truth"

#include "config.h"

#include <adwaita.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "vz-test-server.h"
#include "vz-test-process.h"
#include "vz-application.h"
#include "vz-window.h"
#include "vz-devices-page-private.h"
#include "vz-display-resource.h"
#include "vz-ui-test-util.h"

/*
 * Whether the Devices page tells the truth, as a person reads it, fed by the
 * real vizora-server and vizora-sim: "Last seen" of online screens, every
 * status marked "last known" with a banner while the server cannot be
 * reached (and unmarked when it is back), the counts of online and offline
 * screens in the header and the sidebar, the banner when many screens go
 * offline, and the fleet server this app started, restarted and failing.
 */

/* Every one of @rows cells of @css_class reads @text. */
static gboolean
cells_read (VzDevicesPage *page,
            const char    *css_class,
            const char    *text,
            guint          rows)
{
  g_autoptr(GPtrArray) texts = visible_cells (page, css_class);

  if (texts->len != rows)
    return FALSE;
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) != 0)
      return FALSE;
  return TRUE;
}

/* A banner's words, when it is out; NULL when it is not. */
static const char *
banner_says (VzDevicesPage *page,
             const char    *which)
{
  VzBanner *banner = _vz_devices_page_get_banner (page, which);

  return vz_banner_get_revealed (banner) ? vz_banner_get_title (banner) : NULL;
}

/* The banner has slid all the way in: a person can read it. */
static gboolean
connection_banner_shown (gpointer data)
{
  GtkWidget *banner = GTK_WIDGET (_vz_devices_page_get_banner (data, "connection"));

  return banner_says (data, "connection") != NULL && gtk_widget_get_height (banner) > 20;
}

static GtkWidget *
banner_button (VzDevicesPage *page,
               const char    *which)
{
  for (GtkWidget *w = GTK_WIDGET (_vz_devices_page_get_banner (page, which)); w != NULL; )
    {
      GtkWidget *child = gtk_widget_get_first_child (w);

      if (GTK_IS_BUTTON (w))
        return gtk_widget_get_visible (w) ? w : NULL;
      /* The template: revealer > box > label, button. */
      if (child != NULL && gtk_widget_get_next_sibling (child) != NULL)
        return gtk_widget_get_visible (gtk_widget_get_next_sibling (child)) ? gtk_widget_get_next_sibling (child) : NULL;
      w = child;
    }
  return NULL;
}

/* The window as a PNG at $VZ_TEST_SCREENSHOT_DIR/@name, when that is set:
 * for a person to look at what the page says. */
static void
save_screenshot (GtkWidget  *window,
                 const char *name)
{
  const char *dir = g_getenv ("VZ_TEST_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (dir == NULL || *dir == '\0')
    return;
  spin (500);
  path = g_build_filename (dir, name, NULL);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gtk_widget_get_width (window), gtk_widget_get_height (window));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* ---- one window on a test server ---- */

static char *outbox_root;

static VzSyncEngine *
start_engine (VzTestServer *server)
{
  static guint n;
  g_autoptr(VzSession) session = vz_session_new (server->url);
  g_autofree char *name = g_strdup_printf ("outbox-%u.journal", ++n);
  g_autofree char *path = g_build_filename (outbox_root, name, NULL);
  VzSyncEngine *engine;

  sign_in (session, VZ_TEST_EMAIL, VZ_TEST_PASSWORD);

  engine = vz_sync_engine_new (session);
  vz_sync_engine_set_outbox_path (engine, path);
  vz_sync_engine_start (engine);
  return engine;
}

static VzWindow *
open_window (VzSyncEngine *engine)
{
  VzWindow *window = vz_window_new (NULL);

  vz_window_set_sync_engine (window, engine);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 640);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* The header's subtitle and the line under "Devices" in the sidebar. */
static const char *
header_counts (VzWindow *window)
{
  GtkWidget *title = NULL;

  for (GtkWidget *w = GTK_WIDGET (window); w != NULL; )
    {
      if (ADW_IS_WINDOW_TITLE (w) && g_strcmp0 (adw_window_title_get_title (ADW_WINDOW_TITLE (w)), "Devices") == 0)
        {
          title = w;
          break;
        }
      /* depth-first walk */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (title);
  return adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title));
}

typedef struct {
  VzWindow   *window;
  const char *counts;
} HeaderCounts;

static gboolean
header_reads (gpointer data)
{
  HeaderCounts *want = data;

  return g_strcmp0 (header_counts (want->window), want->counts) == 0;
}

/* The page shows its counts before the frame after a change, not at once. */
static void
assert_header_counts (VzWindow   *window,
                      const char *counts)
{
  HeaderCounts want = { window, counts };

  wait_for (header_reads, &want, 10);
  g_assert_cmpstr (header_counts (window), ==, counts);
}

typedef struct {
  VzWindow      *window;
  VzDevicesPage *page;
  guint          rows;
} Fleet;

static gboolean
all_online_now (gpointer data)
{
  Fleet *fleet = data;

  return cells_read (fleet->page, "vz-cell-status", "Online", fleet->rows) &&
         cells_read (fleet->page, "vz-cell-last-seen", "Now", fleet->rows);
}

static gboolean
all_last_known (gpointer data)
{
  Fleet *fleet = data;

  return cells_read (fleet->page, "vz-cell-status", "Online · last known", fleet->rows) &&
         banner_says (fleet->page, "connection") != NULL;
}

static gboolean
all_offline (gpointer data)
{
  Fleet *fleet = data;

  return cells_read (fleet->page, "vz-cell-status", "Offline", fleet->rows);
}

static gboolean
all_seen_a_minute_ago (gpointer data)
{
  Fleet *fleet = data;

  return cells_read (fleet->page, "vz-cell-last-seen", "1 minute ago", fleet->rows);
}

/*
 * Online screens read "Now" under Last Seen while they heartbeat, well past
 * the minute after their status last changed. With the server gone every
 * row says "Online · last known", a banner gives the time of the last
 * contact and a Retry button, the counts say "Last known"; once the server
 * is back (and Retry pressed) the marks go away.
 */
static void
test_lost_connection (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  g_autoptr(GDateTime) contact_time = NULL;
  g_autoptr(GDateTime) after = NULL;
  gint64 before, contact;
  g_autofree char *said = NULL;
  g_autofree char *hhmm = NULL;
  g_autofree char *expected = NULL;
  Fleet fleet = { NULL, NULL, 3 };
  GtkWidget *retry;

  fleet.window = open_window (engine);
  fleet.page = vz_window_get_devices_page (fleet.window);
  sim = vz_test_server_start_sim (server, "3", "7");

  g_assert_true (wait_for (all_online_now, &fleet, 60));
  g_assert_true (vz_devices_page_get_live (fleet.page));
  assert_header_counts (fleet.window, "3 online · 0 offline");
  g_assert_cmpstr (vz_devices_page_get_summary_label (fleet.page), ==, "3 online · 0 offline");
  g_assert_null (banner_says (fleet.page, "connection"));
  g_assert_null (banner_says (fleet.page, "outage"));

  /* The server sends no event while the screens stay online: a minute and
   * more later they still read "Now", not "1 minute ago". The page's clock
   * ticks meanwhile (every 10 s), so the texts were worked out again. */
  {
    gint64 clock = vz_devices_page_get_clock (fleet.page);

    spin (65 * 1000);
    g_assert_cmpint (vz_devices_page_get_clock (fleet.page), >, clock + 50 * G_USEC_PER_SEC);
    g_assert_true (all_online_now (&fleet));
  }

  /* The server goes away without a word. The last contact is when the
   * engine found it gone, between the kill and the banner (a minute may
   * turn meanwhile): the banner gives that time. */
  before = g_get_real_time ();
  vz_test_server_kill (server);
  g_assert_true (wait_for (all_last_known, &fleet, 60));
  contact = vz_sync_engine_get_last_contact (engine);
  g_assert_cmpint (contact, >=, before);
  g_assert_cmpint (contact, <=, g_get_real_time ());
  g_assert_false (vz_devices_page_get_live (fleet.page));
  /* The time alone while the contact is of today; once the day has turned
   * (the test ran across midnight), the banner shown again gives its day. */
  contact_time = g_date_time_new_from_unix_local (contact / G_USEC_PER_SEC);
  said = g_strdup (banner_says (fleet.page, "connection"));
  after = g_date_time_new_now_local ();
  if (g_date_time_get_year (after) == g_date_time_get_year (contact_time) &&
      g_date_time_get_day_of_year (after) == g_date_time_get_day_of_year (contact_time))
    hhmm = g_date_time_format (contact_time, "%H:%M");
  else
    {
      g_test_message ("the day turned after the last contact: the banner gives its day");
      _vz_devices_page_update_truth (fleet.page);
      g_free (said);
      said = g_strdup (banner_says (fleet.page, "connection"));
      hhmm = g_date_time_format (contact_time, "%b %-d, %H:%M");
    }
  expected = g_strdup_printf ("Cannot reach the server. Showing what was known at %s.", hhmm);
  g_assert_cmpstr (said, ==, expected);
  retry = banner_button (fleet.page, "connection");
  g_assert_nonnull (retry);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (retry)), ==, "_Retry");
  assert_header_counts (fleet.window, "Last known: 3 online · 0 offline");
  /* What was known is not "Now" any more: as of the last contact. */
  g_assert_true (cells_read (fleet.page, "vz-cell-last-seen", "just now", 3));
  g_assert_true (wait_for (connection_banner_shown, fleet.page, 5));
  save_screenshot (GTK_WIDGET (fleet.window), "devices-server-unreachable.png");

  /* Back, and asked to try now: live again, every mark gone. */
  vz_test_server_restart (server);
  g_signal_emit_by_name (retry, "clicked");
  g_assert_true (wait_for (all_online_now, &fleet, 60));
  g_assert_true (vz_devices_page_get_live (fleet.page));
  g_assert_null (banner_says (fleet.page, "connection"));
  assert_header_counts (fleet.window, "3 online · 0 offline");

  ui_close_window (fleet.window);
  vz_sync_engine_stop (engine);
  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
}

/*
 * The counts follow every status change at once: when the screens vanish,
 * the rows read "Offline" and the header already counts them so; with all
 * four of four offline (over a quarter, at least three) a banner says how
 * many, and its button shows just those. Their "Last Seen" ages from
 * "just now" to "1 minute ago" while on screen.
 */
static void
test_counts_and_outage (void)
{
  g_autoptr(VzTestServer) server = vz_test_server_start (NULL);
  g_autoptr(VzSyncEngine) engine = start_engine (server);
  g_autoptr(GSubprocess) sim = NULL;
  Fleet fleet = { NULL, NULL, 4 };
  GtkWidget *show;

  fleet.window = open_window (engine);
  fleet.page = vz_window_get_devices_page (fleet.window);
  sim = vz_test_server_start_sim (server, "4", "7");

  g_assert_true (wait_for (all_online_now, &fleet, 60));
  assert_header_counts (fleet.window, "4 online · 0 offline");

  g_subprocess_force_exit (sim);
  g_assert_true (g_subprocess_wait (sim, NULL, NULL));
  g_assert_true (wait_for (all_offline, &fleet, 60));
  assert_header_counts (fleet.window, "0 online · 4 offline");
  g_assert_cmpstr (banner_says (fleet.page, "outage"), ==, "4 of 4 screens are offline.");
  g_assert_null (banner_says (fleet.page, "connection"));
  save_screenshot (GTK_WIDGET (fleet.window), "devices-outage.png");

  /* Last Seen moves on by itself: the screens were last seen at their last
   * heartbeat, "just now"; a minute later the same rows, with no event from
   * the server and no reload, read "1 minute ago". */
  g_assert_true (cells_read (fleet.page, "vz-cell-last-seen", "just now", 4));
  g_assert_true (wait_for (all_seen_a_minute_ago, &fleet, 90));
  assert_header_counts (fleet.window, "0 online · 4 offline");

  show = banner_button (fleet.page, "outage");
  g_assert_nonnull (show);
  g_signal_emit_by_name (show, "clicked");
  g_assert_cmpuint (gtk_drop_down_get_selected (_vz_devices_page_get_status_dropdown (fleet.page)), ==, 2);

  ui_close_window (fleet.window);
  vz_sync_engine_stop (engine);
}

/* ---- the app with the fleet server on this computer ---- */

static GPid
server_child (void)
{
  return vz_test_child_pid ("vizora-server", NULL);
}

typedef struct {
  VzWindow      *window;
  VzDevicesPage *page;
  const char    *wanted;   /* a banner's words contain this */
} BannerWait;

static gboolean
window_has_rows (gpointer data)
{
  VzSyncEngine *engine = vz_window_get_sync_engine (data);

  return engine != NULL && g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))) > 0 &&
         vz_devices_page_get_live (vz_window_get_devices_page (data));
}

static gboolean
server_banner_says (gpointer data)
{
  BannerWait *wait = data;
  const char *text = banner_says (wait->page, "server");

  return text != NULL && strstr (text, wait->wanted) != NULL;
}

static gboolean
server_banner_gone_and_live (gpointer data)
{
  BannerWait *wait = data;

  return banner_says (wait->page, "server") == NULL && vz_devices_page_get_live (wait->page);
}

static GSocketListener *
take_port (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return vz_test_take_port ((guint16) g_uri_get_port (uri));
}

static void
local_supervised (VzApplication *app,
                  gpointer       data)
{
  VzWindow *window = VZ_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  BannerWait wait = { window, vz_window_get_devices_page (window), NULL };
  g_autoptr(GSocketListener) squatter = NULL;
  g_autofree char *url = NULL;
  const char *text;
  GtkWidget *start_again;

  g_assert_true (wait_for (window_has_rows, window, 90));
  url = g_strdup (vz_session_get_server_url (vz_sync_engine_get_session (vz_window_get_sync_engine (window))));
  g_assert_null (banner_says (wait.page, "server"));

  /* Killed: the page says the server is being started again, and then it
   * is back at the same address, the page live, the banner gone. */
  g_assert_cmpint (kill (server_child (), SIGKILL), ==, 0);
  wait.wanted = "Starting it again (attempt 1)";
  g_assert_true (wait_for (server_banner_says, &wait, 10));
  g_assert_true (wait_for (server_banner_gone_and_live, &wait, 60));
  g_assert_cmpstr (vz_session_get_server_url (vz_sync_engine_get_session (vz_window_get_sync_engine (window))), ==, url);

  /* Killed, and its port taken by another program: it keeps failing, and the
   * page says why in the server's words and where its data is. */
  g_assert_cmpint (kill (server_child (), SIGKILL), ==, 0);
  squatter = take_port (url);
  wait.wanted = "keeps stopping";
  g_assert_true (wait_for (server_banner_says, &wait, 60));
  text = banner_says (wait.page, "server");
  g_assert_nonnull (strstr (text, "Address already in use"));
  g_assert_nonnull (strstr (text, "Its data is in /"));
  g_assert_nonnull (strstr (text, "vizora-desktop/server"));
  /* and the rows, the counts, say what they show is last known */
  g_assert_false (vz_devices_page_get_live (wait.page));
  g_assert_true (g_str_has_prefix (vz_devices_page_get_summary_label (wait.page), "Last known: "));
  save_screenshot (GTK_WIDGET (window), "devices-local-server-failed.png");

  /* The port free again, Start Again brings it back. */
  g_socket_listener_close (squatter);
  start_again = banner_button (wait.page, "server");
  g_assert_nonnull (start_again);
  g_signal_emit_by_name (start_again, "clicked");
  g_assert_true (wait_for (server_banner_gone_and_live, &wait, 60));
}

static void
test_local_server_supervised (void)
{
  g_autoptr(GSettings) settings = g_settings_new ("cloud.vizora.Desktop");

  g_settings_set_string (settings, "connection-mode", "local");
  g_settings_set_uint (settings, "demo-screens", 2);
  app_run (local_supervised, NULL);
  g_settings_reset (settings, "connection-mode");
  g_settings_reset (settings, "demo-screens");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  /* The fleet server on this computer keeps its data (and screens) under
   * the user data dir: this test's own, so that the screens it adds do not
   * meet the other UI tests' local fleet. */
  home = ui_own_data_home ("truth");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  outbox_root = g_dir_make_tmp ("vz-ui-truth-XXXXXX", NULL);

  g_test_add_func ("/ui/truth/lost-connection", test_lost_connection);
  g_test_add_func ("/ui/truth/counts-and-outage", test_counts_and_outage);
  g_test_add_func ("/ui/truth/local-server-supervised", test_local_server_supervised);

  status = g_test_run ();
  vz_test_remove_tree (outbox_root);
  vz_test_remove_tree (home);
  g_free (outbox_root);
  return status;
}
