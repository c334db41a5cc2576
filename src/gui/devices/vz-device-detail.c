/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-device-detail"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-device-detail.h"
#include "vz-device-detail-private.h"

/* A screen that has not answered by then is not going to. */
#define SCREENSHOT_TIMEOUT_S 30
/* Screenshots are pictures of one screen; anything bigger is not one. */
#define SCREENSHOT_MAX_BYTES (32 * 1024 * 1024)
#define LAST_SEEN_INTERVAL_S 30
/* `device:status` events carry no metrics: while the pane shows a screen it
 * reads the screen again this often, so its figures stay current. */
#define METRICS_INTERVAL_S 15

struct _VzDeviceDetail
{
  GtkWidget            parent_instance;

  VzSyncEngine        *engine;
  VzDisplay           *display;
  GCancellable        *cancellable;             /* changes; cancelled on dispose */
  GCancellable        *screenshot_cancellable;  /* per display */
  GCancellable        *metrics_cancellable;     /* per display */
  SoupSession         *soup;
  GListModel          *group_choices;
  guint                screenshot_timeout_id;
  guint                last_seen_id;
  guint                metrics_id;
  gboolean             metrics_in_flight;
  gboolean             waiting_for_screenshot;
  gboolean             updating;

  /* template children */
  AdwWindowTitle      *title;
  AdwPreferencesGroup *settings_group;
  AdwEntryRow         *name_row;
  AdwEntryRow         *location_row;
  AdwComboRow         *orientation_row;
  AdwEntryRow         *timezone_row;
  AdwComboRow         *group_row;
  GtkWidget           *status_dot;
  GtkLabel            *status_label;
  GtkLabel            *last_seen_label;
  GtkLabel            *playlist_label;
  GtkLabel            *resolution_label;
  GtkLabel            *identifier_label;
  GtkLabel            *cpu_label;
  GtkLabel            *memory_label;
  GtkLabel            *disk_label;
  GtkLabel            *temperature_label;
  GtkLabel            *uptime_label;
  GtkWidget           *screenshot_button;
  GtkStack            *screenshot_stack;
  GtkSpinner          *screenshot_spinner;
  GtkPicture          *screenshot_picture;
  GtkLabel            *screenshot_error;
  GtkWidget           *commands_box;
};

G_DEFINE_FINAL_TYPE (VzDeviceDetail, vz_device_detail, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_DISPLAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Order of the orientation row's items. */
static const char * const orientations[] = {
  "landscape",
  "portrait",
  "landscape_flipped",
  "portrait_flipped",
};

static const char *
status_css_class (VzDisplayStatus status)
{
  switch (status)
    {
    case VZ_DISPLAY_STATUS_ONLINE:
      return "online";
    case VZ_DISPLAY_STATUS_PAIRING:
      return "pairing";
    case VZ_DISPLAY_STATUS_ERROR:
      return "error";
    case VZ_DISPLAY_STATUS_IDLE:
      return "idle";
    case VZ_DISPLAY_STATUS_OFFLINE:
    case VZ_DISPLAY_STATUS_UNKNOWN:
    default:
      return "offline";
    }
}

static gboolean
can_write (VzDeviceDetail *self)
{
  return self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));
}

static char *
format_percent (gdouble value)
{
  if (value < 0)
    return g_strdup (_("Unknown"));
  /* Translators: a percentage, e.g. "42 %" */
  return g_strdup_printf (_("%.0f %%"), value);
}

static char *
format_temperature (gdouble value)
{
  /* The display object says -1 for "no reading" (vz-display.h). */
  if (G_APPROX_VALUE (value, -1.0, 1e-9) || value < -273)
    return g_strdup (_("Unknown"));
  /* Translators: degrees Celsius */
  return g_strdup_printf (_("%.0f °C"), value);
}

static char *
format_uptime (gint64 seconds)
{
  gint64 days, hours, minutes;

  if (seconds < 0)
    return g_strdup (_("Unknown"));

  days = seconds / 86400;
  hours = (seconds % 86400) / 3600;
  minutes = (seconds % 3600) / 60;

  if (days > 0)
    {
      g_autofree char *d = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", (int) days), (int) days);
      g_autofree char *h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (int) hours), (int) hours);
      /* Translators: "3 days, 4 hours" */
      return g_strdup_printf (_("%s, %s"), d, h);
    }
  if (hours > 0)
    {
      g_autofree char *h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (int) hours), (int) hours);
      g_autofree char *m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (int) minutes), (int) minutes);
      return g_strdup_printf (_("%s, %s"), h, m);
    }
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (int) minutes), (int) minutes);
}

static void
set_label_take (GtkLabel *label,
                char     *text)
{
  gtk_label_set_label (label, text);
  g_free (text);
}

/* Leaves a field alone while the person is typing in it. */
static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (row)))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text != NULL ? text : "") == 0)
    return;
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static void
update_last_seen (VzDeviceDetail *self)
{
  if (self->display == NULL)
    return;
  set_label_take (self->last_seen_label,
                  vz_gui_format_relative_time (vz_display_get_last_heartbeat (self->display), g_get_real_time ()));
}

static void
update_group_selection (VzDeviceDetail *self)
{
  const char *group_id;
  GListModel *groups;
  guint selected = 0;
  guint n;

  if (self->display == NULL || self->engine == NULL)
    return;

  group_id = vz_display_get_group_id (self->display);
  groups = G_LIST_MODEL (vz_sync_engine_get_groups (self->engine));
  n = g_list_model_get_n_items (groups);

  /* Groups are few (tens), unlike screens. */
  for (guint i = 0; group_id != NULL && i < n; i++)
    {
      g_autoptr(VzEntity) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (vz_entity_get_id (group), group_id) == 0)
        {
          selected = i + 1;
          break;
        }
    }

  if (adw_combo_row_get_selected (self->group_row) != selected)
    adw_combo_row_set_selected (self->group_row, selected);
}

static void
refresh (VzDeviceDetail *self)
{
  VzDisplay *d = self->display;
  const char *classes[3] = { "vz-status-dot", NULL, NULL };
  const char *orientation;
  const char *playlist;
  const char *resolution;
  gboolean writable = can_write (self);

  if (d == NULL)
    return;

  self->updating = TRUE;

  adw_window_title_set_title (self->title, vz_display_get_display_name (d));
  /* The pane's subtitle says first whether what it shows is saved yet. */
  if (vz_entity_get_conflict (VZ_ENTITY (d)))
    adw_window_title_set_subtitle (self->title, _("Changed by someone else too: choose in the list of changes"));
  else if (vz_entity_get_pending (VZ_ENTITY (d)))
    adw_window_title_set_subtitle (self->title, _("Waiting to be saved"));
  else
    adw_window_title_set_subtitle (self->title, vz_display_get_location (d) != NULL ? vz_display_get_location (d) : "");

  set_entry_text (self->name_row, vz_display_get_nickname (d));
  set_entry_text (self->location_row, vz_display_get_location (d));
  set_entry_text (self->timezone_row, vz_display_get_timezone (d));

  orientation = vz_display_get_orientation (d);
  for (guint i = 0; i < G_N_ELEMENTS (orientations); i++)
    if (g_strcmp0 (orientation, orientations[i]) == 0 && adw_combo_row_get_selected (self->orientation_row) != i)
      adw_combo_row_set_selected (self->orientation_row, i);

  update_group_selection (self);

  classes[1] = status_css_class (vz_display_get_status (d));
  gtk_widget_set_css_classes (self->status_dot, classes);
  gtk_label_set_label (self->status_label, vz_display_status_to_label (vz_display_get_status (d)));
  update_last_seen (self);

  playlist = vz_display_get_current_playlist_id (d);
  gtk_label_set_label (self->playlist_label, playlist != NULL && *playlist != '\0' ? playlist : _("No playlist"));
  resolution = vz_display_get_resolution (d);
  gtk_label_set_label (self->resolution_label, resolution != NULL && *resolution != '\0' ? resolution : _("Unknown"));
  gtk_label_set_label (self->identifier_label, vz_display_get_device_identifier (d) != NULL
                                               ? vz_display_get_device_identifier (d) : "");

  set_label_take (self->cpu_label, format_percent (vz_display_get_cpu_usage (d)));
  set_label_take (self->memory_label, format_percent (vz_display_get_memory_usage (d)));
  set_label_take (self->disk_label, format_percent (vz_display_get_disk_usage (d)));
  set_label_take (self->temperature_label, format_temperature (vz_display_get_temperature (d)));
  set_label_take (self->uptime_label, format_uptime (vz_display_get_uptime (d)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_group), writable);
  gtk_widget_set_sensitive (self->commands_box, writable);
  gtk_widget_set_sensitive (self->screenshot_button, writable && !self->waiting_for_screenshot);

  self->updating = FALSE;
}

static void
on_display_notify (VzDeviceDetail *self,
                   GParamSpec     *pspec,
                   VzDisplay      *display)
{
  refresh (self);
}

static void
on_groups_changed (VzDeviceDetail *self)
{
  self->updating = TRUE;
  update_group_selection (self);
  self->updating = FALSE;
}

/* ---- changes ---- */

typedef gboolean (*FinishFunc) (VzSyncEngine  *engine,
                                GAsyncResult  *result,
                                GError       **error);

typedef struct {
  VzDeviceDetail *self;
  FinishFunc      finish;
  char           *success;
} Change;

static void
change_free (Change *change)
{
  g_clear_object (&change->self);
  g_free (change->success);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static Change *
change_new (VzDeviceDetail *self,
            FinishFunc      finish,
            char           *success)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->finish = finish;
  change->success = success;
  return change;
}

static void
change_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Change) change = user_data;
  g_autoptr(GError) error = NULL;

  if (!change->finish (VZ_SYNC_ENGINE (source), result, &error))
    {
      /* Puts the fields back to what the server has. */
      if (vz_gui_toast_error (GTK_WIDGET (change->self), error))
        refresh (change->self);
      return;
    }

  /* A queued change is told by the window (the engine's "change-queued",
   * with Undo); a direct request (a command) is told here. */
  if (change->success != NULL)
    vz_gui_toast (GTK_WIDGET (change->self), change->success);
}

/* The change shows at once (the engine applies it to the store before it
 * is sent); what happens to it next arrives by the engine's signals. */
static void
update_display (VzDeviceDetail *self,
                const char     *key,
                const char     *value)
{
  g_autoptr(JsonObject) changes = json_object_new ();

  json_object_set_string_member (changes, key, value);
  vz_sync_engine_update_display_async (self->engine,
                                       vz_entity_get_id (VZ_ENTITY (self->display)),
                                       changes,
                                       self->cancellable,
                                       change_done_cb,
                                       change_new (self, vz_sync_engine_update_display_finish, NULL));
}

static void
on_name_apply (VzDeviceDetail *self)
{
  g_autofree char *name = NULL;

  if (self->display == NULL || self->engine == NULL)
    return;

  name = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->name_row));
  if (*name == '\0')
    {
      vz_gui_toast (GTK_WIDGET (self), _("A screen needs a name."));
      refresh (self);
      return;
    }
  if (g_strcmp0 (name, vz_display_get_nickname (self->display)) == 0)
    return;

  update_display (self, "name", name);
}

static void
on_location_apply (VzDeviceDetail *self)
{
  g_autofree char *location = NULL;

  if (self->display == NULL || self->engine == NULL)
    return;

  location = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->location_row));
  if (g_strcmp0 (location, vz_display_get_location (self->display) != NULL
                           ? vz_display_get_location (self->display) : "") == 0)
    return;

  update_display (self, "location", location);
}

static gboolean
timezone_is_valid (const char *identifier)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (identifier == NULL || *identifier == '\0')
    return FALSE;
  tz = g_time_zone_new_identifier (identifier);
  return tz != NULL;
}

static void
on_timezone_changed (VzDeviceDetail *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->timezone_row));

  if (*text == '\0' || timezone_is_valid (text))
    gtk_widget_remove_css_class (GTK_WIDGET (self->timezone_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->timezone_row), "error");
}

static void
on_timezone_apply (VzDeviceDetail *self)
{
  g_autofree char *tz = NULL;

  if (self->display == NULL || self->engine == NULL)
    return;

  tz = vz_gui_editable_dup_stripped (GTK_EDITABLE (self->timezone_row));
  if (!timezone_is_valid (tz))
    {
      g_autofree char *text = g_strdup_printf (_("“%s” is not a time zone. Use a name like Europe/Berlin or America/New_York."), tz);
      vz_gui_toast (GTK_WIDGET (self), text);
      return;
    }
  if (g_strcmp0 (tz, vz_display_get_timezone (self->display)) == 0)
    return;

  update_display (self, "timezone", tz);
}

static void
on_orientation_selected (VzDeviceDetail *self)
{
  guint selected = adw_combo_row_get_selected (self->orientation_row);

  if (self->updating || self->display == NULL || self->engine == NULL || selected >= G_N_ELEMENTS (orientations))
    return;
  if (g_strcmp0 (orientations[selected], vz_display_get_orientation (self->display)) == 0)
    return;

  update_display (self, "orientation", orientations[selected]);
}

static void
on_group_selected (VzDeviceDetail *self)
{
  guint selected = adw_combo_row_get_selected (self->group_row);
  g_autoptr(VzDisplayGroup) group = NULL;
  const char *group_id = NULL;

  if (self->updating || self->display == NULL || self->engine == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;

  if (selected > 0)
    {
      group = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_groups (self->engine)), selected - 1);
      if (group == NULL)
        return;
      group_id = vz_entity_get_id (VZ_ENTITY (group));
    }
  if (g_strcmp0 (group_id, vz_display_get_group_id (self->display)) == 0)
    return;

  vz_sync_engine_set_display_group_async (self->engine,
                                          vz_entity_get_id (VZ_ENTITY (self->display)),
                                          group_id,
                                          self->cancellable,
                                          change_done_cb,
                                          change_new (self, vz_sync_engine_set_display_group_finish, NULL));
}

static void
send_command (VzDeviceDetail *self,
              const char     *command,
              char           *success)
{
  if (self->display == NULL || self->engine == NULL)
    {
      g_free (success);
      return;
    }

  vz_sync_engine_send_command_async (self->engine,
                                     vz_entity_get_id (VZ_ENTITY (self->display)),
                                     command,
                                     self->cancellable,
                                     change_done_cb,
                                     change_new (self, vz_sync_engine_send_command_finish, success));
}

static void
on_reload_clicked (VzDeviceDetail *self)
{
  if (self->display != NULL)
    send_command (self, "reload",
                  g_strdup_printf (_("“%s” is reloading its content"), vz_display_get_display_name (self->display)));
}

static void
on_restart_clicked (VzDeviceDetail *self)
{
  if (self->display != NULL)
    send_command (self, "restart",
                  g_strdup_printf (_("“%s” is restarting its player"), vz_display_get_display_name (self->display)));
}

static void
on_reboot_response (AdwMessageDialog *dialog,
                    const char       *response,
                    VzDeviceDetail   *self)
{
  VzDisplay *display = g_object_get_data (G_OBJECT (dialog), "vz-display");

  /* The pane may have moved to another screen while the dialog was up. */
  if (!g_str_equal (response, "reboot") || display == NULL || display != self->display)
    return;

  send_command (self, "reboot",
                g_strdup_printf (_("“%s” is rebooting"), vz_display_get_display_name (display)));
}

static void
on_reboot_clicked (VzDeviceDetail *self)
{
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (self->display == NULL)
    return;

  heading = g_strdup_printf (_("Reboot “%s”?"), vz_display_get_display_name (self->display));
  dialog = vz_gui_confirm_dialog_new (GTK_WIDGET (self), heading,
                                      _("The screen goes dark while the device restarts, usually for a minute or two."),
                                      "reboot", _("_Reboot"), ADW_RESPONSE_DESTRUCTIVE);
  g_object_set_data_full (G_OBJECT (dialog), "vz-display", g_object_ref (self->display), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reboot_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- screenshot ---- */

static void
show_screenshot_state (VzDeviceDetail *self,
                       const char     *state)
{
  gboolean waiting = g_str_equal (state, "waiting");

  self->waiting_for_screenshot = waiting;
  gtk_spinner_set_spinning (self->screenshot_spinner, waiting);
  gtk_stack_set_visible_child_name (self->screenshot_stack, state);
  gtk_widget_set_sensitive (self->screenshot_button, can_write (self) && !waiting);
  if (!waiting)
    g_clear_handle_id (&self->screenshot_timeout_id, g_source_remove);
}

static void
show_screenshot_error (VzDeviceDetail *self,
                       const char     *message)
{
  gtk_label_set_label (self->screenshot_error, message);
  show_screenshot_state (self, "error");
}

static void
show_screenshot_bytes (VzDeviceDetail *self,
                       GBytes         *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture == NULL)
    {
      show_screenshot_error (self, _("The screen sent a screenshot that is not a picture."));
      return;
    }
  gtk_picture_set_paintable (self->screenshot_picture, GDK_PAINTABLE (texture));
  show_screenshot_state (self, "picture");
}

static void
screenshot_fetched_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (bytes == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The screenshot could not be downloaded: %s"), error->message);
      show_screenshot_error (self, text);
      return;
    }
  if (msg == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_autofree char *text = g_strdup_printf (_("The screenshot could not be downloaded: the server answered “%u %s”."),
                                               msg != NULL ? soup_message_get_status (msg) : 0,
                                               msg != NULL && soup_message_get_reason_phrase (msg) != NULL
                                               ? soup_message_get_reason_phrase (msg) : "");
      show_screenshot_error (self, text);
      return;
    }
  if (g_bytes_get_size (bytes) > SCREENSHOT_MAX_BYTES)
    {
      show_screenshot_error (self, _("The screenshot is too large to show."));
      return;
    }

  show_screenshot_bytes (self, bytes);
}

static gboolean
same_origin (GUri *a,
             GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a) != NULL ? g_uri_get_host (a) : "",
                             g_uri_get_host (b) != NULL ? g_uri_get_host (b) : "") == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

static void
load_screenshot (VzDeviceDetail *self,
                 const char     *url)
{
  VzSession *session = vz_sync_engine_get_session (self->engine);
  const char *server_url = vz_session_get_server_url (session);
  g_autoptr(GUri) base = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) target = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;

  /* Small pictures may come inline. */
  if (g_str_has_prefix (url, "data:"))
    {
      const char *comma = strchr (url, ',');
      g_autoptr(GBytes) bytes = NULL;

      if (comma == NULL || g_strstr_len (url, comma - url, ";base64") == NULL)
        {
          show_screenshot_error (self, _("The screen sent a screenshot that is not a picture."));
          return;
        }
      {
        gsize len = 0;
        guchar *data = g_base64_decode (comma + 1, &len);
        bytes = g_bytes_new_take (data, len);
      }
      show_screenshot_bytes (self, bytes);
      return;
    }

  target = base != NULL ? g_uri_parse_relative (base, url, G_URI_FLAGS_NONE, &error)
                        : g_uri_parse (url, G_URI_FLAGS_NONE, &error);
  if (target == NULL ||
      (g_ascii_strcasecmp (g_uri_get_scheme (target), "http") != 0 &&
       g_ascii_strcasecmp (g_uri_get_scheme (target), "https") != 0))
    {
      show_screenshot_error (self, _("The screen sent a screenshot address that cannot be opened."));
      return;
    }

  msg = soup_message_new_from_uri ("GET", target);
  /* The access token is for our server only, never for a storage host. */
  if (base != NULL && same_origin (base, target) && vz_session_get_access_token (session) != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", vz_session_get_access_token (session));
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }

  if (self->soup == NULL)
    self->soup = soup_session_new_with_options ("timeout", 30, NULL);

  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, self->screenshot_cancellable,
                                    screenshot_fetched_cb, g_object_ref (self));
}

static void
on_screenshot_ready (VzDeviceDetail *self,
                     const char     *device_id,
                     const char     *url,
                     guint           width,
                     guint           height,
                     VzSyncEngine   *engine)
{
  if (!self->waiting_for_screenshot || self->display == NULL || device_id == NULL || url == NULL)
    return;
  if (g_strcmp0 (device_id, vz_entity_get_id (VZ_ENTITY (self->display))) != 0)
    return;

  load_screenshot (self, url);
}

static gboolean
screenshot_timeout (gpointer user_data)
{
  VzDeviceDetail *self = user_data;

  self->screenshot_timeout_id = 0;
  if (self->waiting_for_screenshot)
    show_screenshot_error (self, _("The screen did not send a screenshot within 30 seconds. It may be busy or its connection may be poor."));
  return G_SOURCE_REMOVE;
}

static void
screenshot_requested_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vz_sync_engine_request_screenshot_finish (VZ_SYNC_ENGINE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_CONFLICT))
        show_screenshot_error (self, _("This screen is offline, so it cannot take a screenshot. Try again when it is back online."));
      else
        show_screenshot_error (self, error->message);
      return;
    }

  /* The picture may already be here (it comes over the live connection). */
  if (self->waiting_for_screenshot && self->screenshot_timeout_id == 0)
    self->screenshot_timeout_id = g_timeout_add_seconds (SCREENSHOT_TIMEOUT_S, screenshot_timeout, self);
}

static void
on_screenshot_clicked (VzDeviceDetail *self)
{
  if (self->display == NULL || self->engine == NULL || self->waiting_for_screenshot)
    return;

  show_screenshot_state (self, "waiting");
  vz_sync_engine_request_screenshot_async (self->engine,
                                           vz_entity_get_id (VZ_ENTITY (self->display)),
                                           self->screenshot_cancellable,
                                           screenshot_requested_cb,
                                           g_object_ref (self));
}

/* ---- metrics ---- */

/*
 * The figures only a full read of the screen carries. Only these members
 * are taken from the answer: the rest (name, location…) may show a change
 * of the person's that the server has not applied yet, and the sync engine
 * alone decides what those fields show.
 */
static const char * const metrics_members[] = {
  "metrics",
  "resolution",
  "lastHeartbeat",
  "status",
  "isDisabled",
};

static void
metrics_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VzDeviceDetail) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonObject) figures = NULL;
  JsonObject *obj;

  answer = vz_api_client_request_finish (VZ_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->metrics_in_flight = FALSE;

  /* Offline or refused: the pane keeps the last figures it had, the header
   * already says the connection state. */
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) || self->display == NULL)
    return;

  obj = json_node_get_object (answer);
  figures = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (metrics_members); i++)
    {
      JsonNode *member = json_object_get_member (obj, metrics_members[i]);

      if (member != NULL)
        json_object_set_member (figures, metrics_members[i], json_node_copy (member));
    }

  /* A malformed answer changes nothing (update_from_json checks before it applies). */
  if (!vz_entity_update_from_json (VZ_ENTITY (self->display), figures, &error))
    g_debug ("Screen figures not applied: %s", error->message);
}

static void
read_metrics (VzDeviceDetail *self)
{
  VzApiClient *api;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (self->display == NULL || self->engine == NULL || self->metrics_in_flight)
    return;

  api = vz_session_get_api_client (vz_sync_engine_get_session (self->engine));
  if (api == NULL || vz_api_client_get_access_token (api) == NULL)
    return;

  escaped = g_uri_escape_string (vz_entity_get_id (VZ_ENTITY (self->display)), NULL, FALSE);
  path = g_strconcat ("/displays/", escaped, NULL);
  self->metrics_in_flight = TRUE;
  vz_api_client_request_async (api, "GET", path, NULL, self->metrics_cancellable,
                               metrics_read_cb, g_object_ref (self));
}

static gboolean
metrics_tick (gpointer user_data)
{
  read_metrics (user_data);
  return G_SOURCE_CONTINUE;
}

/* Reads now and then every METRICS_INTERVAL_S while a screen is shown and
 * the pane is on screen. */
static void
update_metrics_timer (VzDeviceDetail *self)
{
  gboolean wanted = self->display != NULL && self->engine != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (wanted && self->metrics_id == 0)
    {
      read_metrics (self);
      self->metrics_id = g_timeout_add_seconds (METRICS_INTERVAL_S, metrics_tick, self);
    }
  else if (!wanted)
    g_clear_handle_id (&self->metrics_id, g_source_remove);
}

/* ---- last seen clock ---- */

static gboolean
last_seen_tick (gpointer user_data)
{
  update_last_seen (user_data);
  return G_SOURCE_CONTINUE;
}

static void
vz_device_detail_map (GtkWidget *widget)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (widget);

  GTK_WIDGET_CLASS (vz_device_detail_parent_class)->map (widget);

  update_last_seen (self);
  if (self->last_seen_id == 0)
    self->last_seen_id = g_timeout_add_seconds (LAST_SEEN_INTERVAL_S, last_seen_tick, self);
  update_metrics_timer (self);
}

static void
vz_device_detail_unmap (GtkWidget *widget)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (widget);

  g_clear_handle_id (&self->last_seen_id, g_source_remove);
  g_clear_handle_id (&self->metrics_id, g_source_remove);

  GTK_WIDGET_CLASS (vz_device_detail_parent_class)->unmap (widget);
}

/* ---- GObject ---- */

static void
vz_device_detail_dispose (GObject *object)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->screenshot_cancellable);
  g_cancellable_cancel (self->metrics_cancellable);
  vz_device_detail_set_display (self, NULL);
  vz_device_detail_set_sync_engine (self, NULL);

  g_clear_handle_id (&self->screenshot_timeout_id, g_source_remove);
  g_clear_handle_id (&self->last_seen_id, g_source_remove);
  g_clear_handle_id (&self->metrics_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_DEVICE_DETAIL);
  /* The template's top box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  g_clear_object (&self->group_choices);
  g_clear_object (&self->soup);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->screenshot_cancellable);
  g_clear_object (&self->metrics_cancellable);

  G_OBJECT_CLASS (vz_device_detail_parent_class)->dispose (object);
}

static void
vz_device_detail_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_DISPLAY:
      g_value_set_object (value, self->display);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_device_detail_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VzDeviceDetail *self = VZ_DEVICE_DETAIL (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_device_detail_set_sync_engine (self, g_value_get_object (value));
      break;
    case PROP_DISPLAY:
      vz_device_detail_set_display (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_device_detail_class_init (VzDeviceDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_device_detail_dispose;
  object_class->get_property = vz_device_detail_get_property;
  object_class->set_property = vz_device_detail_set_property;
  widget_class->map = vz_device_detail_map;
  widget_class->unmap = vz_device_detail_unmap;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DISPLAY] =
    g_param_spec_object ("display", NULL, NULL,
                         VZ_TYPE_DISPLAY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-device-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, title);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, settings_group);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, name_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, location_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, orientation_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, timezone_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, group_row);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, status_dot);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, status_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, last_seen_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, playlist_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, resolution_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, identifier_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, cpu_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, memory_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, disk_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, temperature_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, uptime_label);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_button);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_stack);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_spinner);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_picture);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, screenshot_error);
  gtk_widget_class_bind_template_child (widget_class, VzDeviceDetail, commands_box);
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_location_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_orientation_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_timezone_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_timezone_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_group_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_screenshot_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reload_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_restart_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reboot_clicked);
}

static void
vz_device_detail_init (VzDeviceDetail *self)
{
  self->cancellable = g_cancellable_new ();
  self->screenshot_cancellable = g_cancellable_new ();
  self->metrics_cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  vz_gui_group_row_show_names (self->group_row);
}

GtkWidget *
vz_device_detail_new (void)
{
  return g_object_new (VZ_TYPE_DEVICE_DETAIL, NULL);
}

VzSyncEngine *
vz_device_detail_get_sync_engine (VzDeviceDetail *self)
{
  g_return_val_if_fail (VZ_IS_DEVICE_DETAIL (self), NULL);

  return self->engine;
}

void
vz_device_detail_set_sync_engine (VzDeviceDetail *self,
                                  VzSyncEngine   *engine)
{
  g_return_if_fail (VZ_IS_DEVICE_DETAIL (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->engine, self);
      g_signal_handlers_disconnect_by_data (vz_sync_engine_get_groups (self->engine), self);
      g_signal_handlers_disconnect_by_data (vz_sync_engine_get_session (self->engine), self);
    }

  g_set_object (&self->engine, engine);

  self->updating = TRUE;
  if (engine != NULL)
    {
      g_set_object (&self->group_choices, NULL);
      self->group_choices = vz_gui_group_choices_new (G_LIST_MODEL (vz_sync_engine_get_groups (engine)),
                                                      _("No Group"), TRUE);

      g_signal_connect_object (engine, "screenshot-ready", G_CALLBACK (on_screenshot_ready), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (vz_sync_engine_get_session (engine), "notify::role",
                               G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (vz_sync_engine_get_groups (engine), "items-changed",
                               G_CALLBACK (on_groups_changed), self, G_CONNECT_SWAPPED);
    }
  else
    g_clear_object (&self->group_choices);

  if (self->group_row != NULL)
    adw_combo_row_set_model (self->group_row, self->group_choices);
  self->updating = FALSE;

  refresh (self);
  update_metrics_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

VzDisplay *
vz_device_detail_get_display (VzDeviceDetail *self)
{
  g_return_val_if_fail (VZ_IS_DEVICE_DETAIL (self), NULL);

  return self->display;
}

void
vz_device_detail_set_display (VzDeviceDetail *self,
                              VzDisplay      *display)
{
  g_return_if_fail (VZ_IS_DEVICE_DETAIL (self));
  g_return_if_fail (display == NULL || VZ_IS_DISPLAY (display));

  if (self->display == display)
    return;

  if (self->display != NULL)
    g_signal_handlers_disconnect_by_data (self->display, self);

  /* A screenshot on its way belongs to the previous screen. */
  g_cancellable_cancel (self->screenshot_cancellable);
  g_clear_object (&self->screenshot_cancellable);
  self->screenshot_cancellable = g_cancellable_new ();
  if (self->screenshot_stack != NULL)
    {
      gtk_picture_set_paintable (self->screenshot_picture, NULL);
      show_screenshot_state (self, "none");
    }

  /* So are the figures being read. */
  g_cancellable_cancel (self->metrics_cancellable);
  g_clear_object (&self->metrics_cancellable);
  self->metrics_cancellable = g_cancellable_new ();
  self->metrics_in_flight = FALSE;
  g_clear_handle_id (&self->metrics_id, g_source_remove);

  g_set_object (&self->display, display);

  if (display != NULL)
    {
      g_signal_connect_object (display, "notify", G_CALLBACK (on_display_notify), self, G_CONNECT_SWAPPED);

      /* A new screen means fresh fields, even where the old one was being edited. */
      if (self->name_row != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (self->name_row),
                                 vz_display_get_nickname (display) != NULL ? vz_display_get_nickname (display) : "");
          gtk_editable_set_text (GTK_EDITABLE (self->location_row),
                                 vz_display_get_location (display) != NULL ? vz_display_get_location (display) : "");
          gtk_editable_set_text (GTK_EDITABLE (self->timezone_row),
                                 vz_display_get_timezone (display) != NULL ? vz_display_get_timezone (display) : "");
        }
      refresh (self);
    }
  update_metrics_timer (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY]);
}

GtkWidget *
_vz_device_detail_get_name_row (VzDeviceDetail *self)
{
  return GTK_WIDGET (self->name_row);
}

const char *
_vz_device_detail_get_subtitle (VzDeviceDetail *self)
{
  return adw_window_title_get_subtitle (self->title);
}

GtkWidget *
_vz_device_detail_get_timezone_row (VzDeviceDetail *self)
{
  return GTK_WIDGET (self->timezone_row);
}

const char *
_vz_device_detail_get_figure (VzDeviceDetail *self,
                              const char     *which)
{
  GtkLabel *label = NULL;

  if (g_str_equal (which, "cpu"))
    label = self->cpu_label;
  else if (g_str_equal (which, "memory"))
    label = self->memory_label;
  else if (g_str_equal (which, "disk"))
    label = self->disk_label;
  else if (g_str_equal (which, "temperature"))
    label = self->temperature_label;
  else if (g_str_equal (which, "uptime"))
    label = self->uptime_label;
  g_return_val_if_fail (label != NULL, NULL);
  return gtk_label_get_label (label);
}

GtkButton *
_vz_device_detail_get_screenshot_button (VzDeviceDetail *self)
{
  return GTK_BUTTON (self->screenshot_button);
}

const char *
_vz_device_detail_get_screenshot_state (VzDeviceDetail *self)
{
  return gtk_stack_get_visible_child_name (self->screenshot_stack);
}

GdkPaintable *
_vz_device_detail_get_screenshot (VzDeviceDetail *self)
{
  return gtk_picture_get_paintable (self->screenshot_picture);
}

const char *
_vz_device_detail_get_screenshot_error (VzDeviceDetail *self)
{
  return gtk_label_get_label (self->screenshot_error);
}
