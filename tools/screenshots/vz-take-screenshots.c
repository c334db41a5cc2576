/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-take-screenshots"

#include "config.h"

#include <adwaita.h>
#include <cairo.h>
#include <stdlib.h>
#include <string.h>

#include "vz-test-server.h"
#include "vz-application.h"
#include "vz-display-resource.h"
#include "vz-window-private.h"
#include "vz-ui-test-util.h"

/*
 * The screenshots of data/screenshots/ (tools/take-screenshots runs this
 * under Xvfb and a D-Bus session): the real fleet server with the
 * simulator's screens, a content library, playlists and schedules made
 * through the API, and the real application signed in to it. Every page of
 * the sidebar is saved in light and in dark as PAGE-light.png and
 * PAGE-dark.png, drawn by GTK's own renderer.
 *
 * Usage: vz-take-screenshots OUTPUT-DIR
 */

#define WIDTH  1200
#define HEIGHT 760
#define SCREENS "14"

typedef struct {
  VzTestServer *server;
  char         *token;
  GSubprocess  *sim;
  const char   *out_dir;
  guint         saved;
} Shots;

/* ---- the fleet ---- */

/* A poster for the content library: a gradient with a title. */
static char *
make_poster (const char *dir,
             const char *title,
             double      r,
             double      g,
             double      b)
{
  g_autofree char *name = g_strdup_printf ("%s.png", title);
  char *path;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 960, 540);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, 960, 540);

  for (char *c = name; *c != '\0'; c++)
    if (*c == ' ')
      *c = '-';
  path = g_build_filename (dir, name, NULL);

  cairo_pattern_add_color_stop_rgb (gradient, 0, r, g, b);
  cairo_pattern_add_color_stop_rgb (gradient, 1, r * 0.45, g * 0.45, b * 0.45);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 84);
  cairo_move_to (cr, 60, 300);
  cairo_show_text (cr, title);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);

  cairo_pattern_destroy (gradient);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return path;
}

/* Runs vizoractl against the server, signed in as the admin. */
static char *
vizoractl (Shots              *shots,
           const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "VIZORA_PASSWORD", VZ_TEST_PASSWORD, TRUE);

  g_ptr_array_add (argv, (gpointer) vz_test_require_bin ("VIZORACTL_BIN"));
  g_ptr_array_add (argv, (gpointer) "--server");
  g_ptr_array_add (argv, shots->server->url);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("vizoractl %s failed: %s %s", args[0], error->message, err);
  return out;
}

/* The content library: posters uploaded the way a person does (vizoractl
 * upload), and two web pages. Returns the ids, posters first. */
static GPtrArray *
make_content (Shots      *shots,
              const char *dir)
{
  static const struct { const char *title; double r, g, b; } posters[] = {
    { "Spring Sale", 0.90, 0.38, 0.00 },
    { "Lunch Menu", 0.15, 0.64, 0.41 },
    { "Welcome", 0.21, 0.52, 0.89 },
    { "Opening Hours", 0.57, 0.25, 0.67 },
    { "New Arrivals", 0.88, 0.11, 0.14 },
    { "Coffee Bar", 0.60, 0.39, 0.23 },
  };
  static const char *pages[][2] = {
    { "Weather", "https://weather.example.org/today" },
    { "Train Departures", "https://departures.example.org/central" },
  };
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_free (vizoractl (shots, (const char *[]) { "login", "--email", VZ_TEST_EMAIL, NULL }));
  for (guint i = 0; i < G_N_ELEMENTS (posters); i++)
    {
      g_autofree char *file = make_poster (dir, posters[i].title, posters[i].r, posters[i].g, posters[i].b);
      g_autofree char *json = vizoractl (shots, (const char *[]) { "upload", file, "--name", posters[i].title, "--json", NULL });
      JsonObject *item;

      /* A JSON line for the new content item. */
      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
      item = json_node_get_object (json_parser_get_root (parser));
      if (json_object_has_member (item, "content"))
        item = json_object_get_object_member (item, "content");
      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (item, "id")));
    }
  g_assert_cmpuint (ids->len, ==, G_N_ELEMENTS (posters));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(JsonNode) keep = NULL;
      g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"type\":\"url\",\"url\":\"%s\",\"duration\":20}",
                                               pages[i][0], pages[i][1]);
      JsonObject *content = vz_test_server_data (shots->server, "POST", "/content", shots->token, body, 201, &keep);

      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (content, "id")));
    }
  return ids;
}

static char *
make_playlist (Shots              *shots,
               const char         *name,
               const char         *description,
               GPtrArray          *content,
               const guint        *items)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(JsonNode) keep = NULL;
  JsonObject *playlist;

  g_string_append_printf (body, "{\"name\":\"%s\",\"description\":\"%s\",\"loop\":true,\"items\":[", name, description);
  for (guint i = 0; items[i] != G_MAXUINT; i++)
    g_string_append_printf (body, "%s{\"contentId\":\"%s\",\"duration\":%u}", i > 0 ? "," : "",
                            (const char *) g_ptr_array_index (content, items[i]), 10 + 5 * i);
  g_string_append (body, "]}");
  playlist = vz_test_server_data (shots->server, "POST", "/playlists", shots->token, body->str, 201, &keep);
  return g_strdup (json_object_get_string_member (playlist, "id"));
}

static GSubprocess *
start_sim (Shots *shots)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GError) error = NULL;
  GSubprocess *sim;

  g_subprocess_launcher_setenv (launcher, "VIZORA_PASSWORD", VZ_TEST_PASSWORD, TRUE);
  sim = g_subprocess_launcher_spawn (launcher, &error, vz_test_require_bin ("VIZORA_SIM_BIN"),
                                     "--server", shots->server->url, "--email", VZ_TEST_EMAIL,
                                     "--screens", SCREENS, "--seed", "3",
                                     "--fault", "overheat:2", "--fault", "disk-full:1", NULL);
  g_assert_no_error (error);
  return sim;
}

/* Waits (at most 60 s) until the server has raised @n alerts. */
static void
wait_for_alerts (Shots *shots,
                 guint  n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonNode) body = NULL;
      guint status = vz_test_server_request (shots->server, "GET", "/notifications?limit=100", shots->token, NULL, &body);
      JsonObject *data = status == 200 ? json_object_get_object_member (json_node_get_object (body), "data") : NULL;

      if (data != NULL && json_object_has_member (data, "data") &&
          json_array_get_length (json_object_get_array_member (data, "data")) >= n)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("The server raised no alerts for the simulator's faults");
      g_usleep (G_USEC_PER_SEC / 2);
    }
}

static void
make_schedule (Shots      *shots,
               const char *name,
               guint       start,
               guint       end,
               const char *days,
               guint       priority,
               const char *playlist,
               const char *target_kind,
               const char *target)
{
  g_autoptr(JsonNode) created = NULL;
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\",\"startDate\":\"2026-11-01\",\"startTime\":%u,"
                                           "\"endTime\":%u,\"daysOfWeek\":%s,\"priority\":%u,"
                                           "\"playlistId\":\"%s\",\"%s\":\"%s\"}",
                                           name, start, end, days, priority, playlist, target_kind, target);

  vz_test_server_data (shots->server, "POST", "/schedules", shots->token, body, 201, &created);
}

static char *
make_group (Shots      *shots,
            const char *name)
{
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *body = g_strdup_printf ("{\"name\":\"%s\"}", name);

  return g_strdup (json_object_get_string_member (vz_test_server_data (shots->server, "POST", "/display-groups",
                                                                       shots->token, body, 201, &keep), "id"));
}

static void
make_fleet (Shots      *shots,
            const char *dir)
{
  g_autoptr(GPtrArray) content = NULL;
  g_autoptr(JsonNode) keep = NULL;
  g_autofree char *lobby = NULL;
  g_autofree char *cafe = NULL;
  g_autofree char *store = NULL;
  g_autofree char *first = NULL;
  g_autofree char *ground_floor = NULL;
  g_autofree char *food_court = NULL;
  static const char *locations[] = { "Level 1, east wing", "Main entrance", "Level 2, food court",
                                     "Platform 3", "Shop window", "Level 1, west wing" };
  JsonArray *displays;

  shots->server = vz_test_server_start (NULL);
  shots->token = vz_test_server_login (shots->server);
  /* The simulator's screens: names, places and metrics from its seed; the
   * first two run hot and one of them is running out of disk space, so
   * that the Health page has something to tell. */
  shots->sim = start_sim (shots);
  first = vz_test_server_wait_online_display (shots->server, shots->token);
  wait_for_alerts (shots, 3);

  content = make_content (shots, dir);
  lobby = make_playlist (shots, "Lobby Loop", "Welcome and opening hours", content,
                         (const guint[]) { 2, 3, 6, G_MAXUINT });
  cafe = make_playlist (shots, "Café Menu Boards", "Lunch and the coffee bar", content,
                        (const guint[]) { 1, 5, 6, G_MAXUINT });
  store = make_playlist (shots, "Store Windows", "Offers and what is new", content,
                         (const guint[]) { 0, 4, 3, 7, G_MAXUINT });

  ground_floor = make_group (shots, "Ground Floor");
  food_court = make_group (shots, "Food Court");

  /* Screens play something: the playlists shared out over the fleet, and
   * have a place and a group. */
  displays = json_object_get_array_member (vz_test_server_data (shots->server, "GET", "/displays?limit=100",
                                                                shots->token, NULL, 200, &keep), "data");
  make_schedule (shots, "Breakfast", 390, 630, "[0,1,2,3,4,5,6]", 3, lobby, "displayGroupId", food_court);
  make_schedule (shots, "Lunch Menu", 690, 870, "[1,2,3,4,5]", 5, cafe, "displayGroupId", food_court);
  make_schedule (shots, "Weekend Offers", 540, 780, "[0,6]", 4, store, "displayGroupId", food_court);
  make_schedule (shots, "Morning Offers", 480, 660, "[1,2,3,4,5]", 5, store, "displayGroupId", ground_floor);

  for (guint i = 0; i < json_array_get_length (displays); i++)
    {
      JsonObject *display = json_array_get_object_element (displays, i);
      const char *playlist = i % 3 == 0 ? lobby : i % 3 == 1 ? cafe : store;
      g_autofree char *path = g_strconcat ("/displays/", json_object_get_string_member (display, "id"), NULL);
      const char *id = json_object_get_string_member (display, "id");
      g_autofree char *body = g_strdup_printf ("{\"currentPlaylistId\":\"%s\",\"location\":\"%s\"}",
                                               playlist, locations[i % G_N_ELEMENTS (locations)]);
      g_autofree char *members = g_strdup_printf ("/display-groups/%s/displays", i % 2 == 0 ? ground_floor : food_court);
      g_autofree char *member_body = g_strdup_printf ("{\"displayIds\":[\"%s\"]}", id);
      g_autoptr(JsonNode) patched = NULL;
      g_autoptr(JsonNode) added = NULL;

      vz_test_server_data (shots->server, "PATCH", path, shots->token, body, 200, &patched);
      if (i % 4 != 3)
        g_assert_cmpuint (vz_test_server_request (shots->server, "POST", members, shots->token, member_body, &added), <, 300);
      if (i == 0)
        make_schedule (shots, "Evening Menu", 1020, 1320, "[1,2,3,4,5]", 6, cafe, "displayId", id);
    }
}

/* ---- the pictures ---- */

static void
save_window (GtkWidget  *window,
             const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not write %s", path);
  g_print ("%s (%d × %d)\n", path, width, height);
}

static gboolean
fleet_shown (gpointer data)
{
  VzWindow *window = data;
  VzSyncEngine *engine = vz_window_get_sync_engine (window);

  return engine != NULL && vz_sync_engine_get_loaded (engine) &&
         g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (engine))) >= (guint) atoi (SCREENS) &&
         gtk_widget_get_mapped (GTK_WIDGET (vz_window_get_devices_page (window)));
}

static void
take (VzApplication *app,
      gpointer       data)
{
  Shots *shots = data;
  VzWindow *window = VZ_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  AdwStyleManager *style = adw_style_manager_get_default ();
  static const struct { AdwColorScheme scheme; const char *name; } schemes[] = {
    { ADW_COLOR_SCHEME_FORCE_LIGHT, "light" },
    { ADW_COLOR_SCHEME_FORCE_DARK, "dark" },
  };

  if (!wait_for (fleet_shown, window, 90))
    g_error ("The app did not show the fleet");
  /* As a release build looks: without the development build's striped header. */
  gtk_widget_remove_css_class (GTK_WIDGET (window), "devel");
  /* The screens' first heartbeats, thumbnails and previews. */
  spin (4000);

  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      GtkListBox *sidebar = _vz_window_get_sidebar (window);

      adw_style_manager_set_color_scheme (style, schemes[s].scheme);
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (sidebar));
           row != NULL;
           row = gtk_widget_get_next_sibling (row))
        {
          const char *page = gtk_widget_get_name (row);
          g_autofree char *file = NULL;
          g_autofree char *path = NULL;

          if (!GTK_IS_LIST_BOX_ROW (row) || !gtk_widget_get_visible (row))
            continue;
          gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", page);
          /* The page's data, its thumbnails and the transition. */
          spin (2500);
          file = g_strdup_printf ("%s-%s.png", page, schemes[s].name);
          path = g_build_filename (shots->out_dir, file, NULL);
          save_window (GTK_WIDGET (window), path);
          shots->saved++;
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "devices");
}

int
main (int   argc,
      char *argv[])
{
  Shots shots = { NULL, };
  g_autofree char *home = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *state_home = NULL;
  g_autofree char *config_home = NULL;
  g_autofree char *posters = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *args[] = { "--server", NULL, NULL };

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTPUT-DIR\n", argv[0]);
      return 2;
    }
  shots.out_dir = argv[1];
  g_mkdir_with_parents (shots.out_dir, 0755);

  vz_test_require_bin ("VIZORA_SERVER_BIN");
  vz_test_require_bin ("VIZORA_SIM_BIN");
  vz_test_require_bin ("VIZORACTL_BIN");
  home = g_dir_make_tmp ("vz-screenshots-XXXXXX", NULL);
  data_home = g_build_filename (home, "data", NULL);
  state_home = g_build_filename (home, "state", NULL);
  config_home = g_build_filename (home, "config", NULL);
  posters = g_build_filename (home, "posters", NULL);
  g_mkdir_with_parents (posters, 0700);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_STATE_HOME", state_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  make_fleet (&shots, posters);

  settings = g_settings_new ("cloud.vizora.Desktop");
  g_settings_set_int (settings, "window-width", WIDTH);
  g_settings_set_int (settings, "window-height", HEIGHT);
  args[1] = shots.server->url;
  g_setenv ("VIZORA_TOKEN", shots.token, TRUE);
  app_run_full (args, NULL, take, &shots);

  g_subprocess_force_exit (shots.sim);
  g_clear_object (&shots.sim);
  g_free (shots.token);
  vz_test_server_free (shots.server);
  vz_test_remove_tree (home);

  if (shots.saved == 0)
    {
      g_printerr ("No page was saved\n");
      return 1;
    }
  return 0;
}
