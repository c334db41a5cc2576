/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-window"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-account-switcher.h"
#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-pending-popover.h"
#include "vz-snapshot.h"
#include "vz-window.h"
#include "vz-window-private.h"

/* The schema id is fixed; the Devel application id shares the settings. */
#define VZ_SETTINGS_SCHEMA "cloud.vizora.Desktop"
/* The age in the offline strip ("2 hours ago") is told in minutes. */
#define SNAPSHOT_AGE_INTERVAL_S 60


G_DEFINE_FINAL_TYPE (VzWindow, vz_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
connection_state_css_class (VzConnectionState state)
{
  switch (state)
    {
    case VZ_CONNECTION_STATE_ONLINE:
      return "online";
    case VZ_CONNECTION_STATE_CONNECTING:
    case VZ_CONNECTION_STATE_RECONNECTING:
      return "idle";
    case VZ_CONNECTION_STATE_UNAVAILABLE:
      return "error";
    case VZ_CONNECTION_STATE_OFFLINE:
    default:
      return "offline";
    }
}

static void update_connection_state (VzWindow *self);

static gboolean
pending_wait_over (gpointer user_data)
{
  VzWindow *self = user_data;

  self->pending_wait_id = 0;
  self->pending_waited = TRUE;
  update_connection_state (self);
  return G_SOURCE_REMOVE;
}

/* Online, a change the server takes within a second is not news: the
 * indicator names changes waiting once one has waited that long, and at
 * once when the server is away or a change was refused or conflicts. */
static gboolean
pending_is_brief (VzWindow          *self,
                  VzConnectionState  state,
                  guint              pending)
{
  if (pending == 0)
    {
      g_clear_handle_id (&self->pending_wait_id, g_source_remove);
      self->pending_waited = FALSE;
      return FALSE;
    }
  if (!self->pending_waited && self->pending_wait_id == 0)
    self->pending_wait_id = g_timeout_add (PENDING_SHOWN_AFTER_MS, pending_wait_over, self);
  return !self->pending_waited && state == VZ_CONNECTION_STATE_ONLINE &&
         vz_sync_engine_get_failed_count (self->engine) == 0 && vz_sync_engine_get_conflict_count (self->engine) == 0;
}

static void
update_connection_state (VzWindow *self)
{
  VzConnectionState state;
  const char *classes[3] = { "vz-status-dot", NULL, NULL };
  g_autofree char *label = NULL;
  g_autofree char *accessible_label = NULL;
  guint pending;
  gboolean brief;
  gboolean has_pending;

  if (self->engine == NULL)
    return;

  state = vz_sync_engine_get_connection_state (self->engine);
  classes[1] = connection_state_css_class (state);
  gtk_widget_set_css_classes (self->connection_dot, classes);

  /* "Offline · 3 pending": the engine words it, so the header, the command
   * line and the tests all read the same sentence. */
  pending = vz_sync_engine_get_pending_count (self->engine);
  brief = pending_is_brief (self, state, pending);
  label = brief ? NULL : vz_sync_engine_dup_status_label (self->engine);
  gtk_label_set_label (self->connection_label, label != NULL ? label : vz_connection_state_to_label (state));
  /* Translators: the header's connection indicator as a screen reader names it, "Connection: Online" */
  accessible_label = g_strdup_printf (_("Connection: %s"), gtk_label_get_label (self->connection_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->connection_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);

  /* With nothing waiting the indicator is a plain label; with changes
   * waiting (or the server away) it is a button that lists them. */
  has_pending = (pending > 0 && !brief) || vz_sync_engine_get_availability (self->engine) != NULL;
  gtk_widget_set_can_target (GTK_WIDGET (self->connection_button), has_pending);
  gtk_widget_set_focusable (GTK_WIDGET (self->connection_button), has_pending);
  gtk_widget_set_visible (self->connection_arrow, has_pending);
  if (has_pending)
    gtk_widget_add_css_class (GTK_WIDGET (self->connection_button), "vz-has-pending");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->connection_button), "vz-has-pending");
}

/* The indicator's tooltip is worded when GTK asks for it: setting one on
 * every change of the engine would make GTK query the widget under the
 * pointer each time. */
static gboolean
on_connection_query_tooltip (VzWindow   *self,
                             int         x,
                             int         y,
                             gboolean    keyboard_mode,
                             GtkTooltip *tooltip,
                             GtkWidget  *button)
{
  g_assert (VZ_IS_WINDOW (self));

  /* Only the button that lists changes (or why the server is away) can be
   * pointed at or focused; the plain indicator needs no words. */
  if (self->engine == NULL || !gtk_widget_get_can_target (button))
    return FALSE;
  gtk_tooltip_set_text (tooltip, _("Show the changes not saved yet"));
  return TRUE;
}

/* ---- offline start: the fleet as last seen ---- */

static gboolean update_snapshot_tick (gpointer user_data);

/* The engine's "snapshot-time" is NULL while the stores hold live data. */
static void
update_snapshot (VzWindow *self)
{
  GDateTime *taken = self->engine != NULL ? vz_sync_engine_get_snapshot_time (self->engine) : NULL;
  g_autofree char *age = NULL;
  g_autofree char *lowered = NULL;
  g_autofree char *text = NULL;

  if (taken == NULL)
    {
      gtk_revealer_set_reveal_child (self->snapshot_revealer, FALSE);
      g_clear_handle_id (&self->snapshot_age_id, g_source_remove);
      return;
    }

  /* "Showing the fleet as of 10:42 (2 hours ago)", worded where the
   * snapshot is made so that the app and vizoractl say the same. */
  age = vz_snapshot_describe_age (taken, NULL);
  lowered = _vz_window_lowercase_first (age);
  /* Translators: "Offline — showing the fleet as of 10:42 (2 hours ago). …" */
  text = g_strdup_printf (_("Offline — %s. Changes you make are kept and sent when the server is back."), lowered);
  gtk_label_set_label (self->snapshot_label, text);
  gtk_revealer_set_reveal_child (self->snapshot_revealer, TRUE);

  if (self->snapshot_age_id == 0)
    self->snapshot_age_id = g_timeout_add_seconds (SNAPSHOT_AGE_INTERVAL_S, update_snapshot_tick, self);
}

static gboolean
update_snapshot_tick (gpointer user_data)
{
  VzWindow *self = user_data;

  update_snapshot (self);
  return self->snapshot_age_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
update_account (VzWindow *self)
{
  VzSession *session;
  const char *org = NULL;
  const char *name = NULL;
  const char *email = NULL;
  g_autofree char *who = NULL;
  g_autofree char *where = NULL;
  g_autoptr(GUri) uri = NULL;

  if (self->engine != NULL)
    {
      session = vz_sync_engine_get_session (self->engine);
      org = vz_session_get_organization_name (session);
      name = vz_session_get_user_name (session);
      email = vz_session_get_user_email (session);
      uri = g_uri_parse (vz_session_get_server_url (session), G_URI_FLAGS_NONE, NULL);
    }

  if (name != NULL && *name != '\0' && email != NULL && *email != '\0')
    who = g_strdup_printf ("%s (%s)", name, email);
  else
    who = g_strdup (email != NULL ? email : "");

  gtk_label_set_label (self->account_org_label, org != NULL ? org : "");
  gtk_label_set_label (self->account_user_label, who);
  gtk_label_set_label (self->sidebar_org_label, org != NULL ? org : "");
  /* The switcher says who is signed in where. */
  if (uri != NULL && g_uri_get_host (uri) != NULL && email != NULL)
    {
      g_autofree char *host = g_uri_get_port (uri) > 0
        ? g_strdup_printf ("%s:%d", g_uri_get_host (uri), g_uri_get_port (uri))
        : g_strdup (g_uri_get_host (uri));

      /* Translators: who is signed in, then the server: "ada@example.com on vizora.example.com" */
      where = g_strdup_printf (_("%s on %s"), email, host);
    }
  gtk_label_set_label (self->sidebar_user_label, where != NULL ? where : who);
}

static void
update_devices_count (VzWindow *self)
{
  g_autofree char *text = NULL;

  if (self->engine != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (self->engine)));
      if (n > 0)
        text = vz_gui_format_count (n);
    }
  gtk_label_set_label (self->devices_count_label, text != NULL ? text : "");
}

static void
on_session_notify (VzWindow   *self,
                   GParamSpec *pspec,
                   GObject    *object)
{
  update_account (self);
  _vz_window_update_actions (self);
}

static void
on_displays_changed (VzWindow   *self,
                     guint       position,
                     guint       removed,
                     guint       added,
                     GListModel *model)
{
  if (removed != added)
    update_devices_count (self);
}

/*
 * One header bar for the sidebar and the page beside it, at every width.
 * When the window is too narrow for both it shows one of them (the
 * leaflet), and the page may show a screen's detail in place of its list;
 * Back then leads out of the detail first, then to the sidebar.
 */
static gboolean
showing_sidebar_alone (VzWindow *self)
{
  g_assert (VZ_IS_WINDOW (self));

  return adw_leaflet_get_folded (self->leaflet) &&
         g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "sidebar") == 0;
}

static gboolean
showing_detail_page (VzWindow *self)
{
  gboolean showing = FALSE;

  g_assert (VZ_IS_WINDOW (self));

  g_object_get (self->devices_page, "showing-detail-page", &showing, NULL);
  return showing;
}

static void
update_header (VzWindow *self)
{
  gboolean devices = g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "devices") == 0;
  gboolean detail = devices && showing_detail_page (self);
  gboolean list_shown = !showing_sidebar_alone (self) && !detail;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  g_assert (VZ_IS_WINDOW (self));

  /* Selecting and pairing are for the screens' list, when it shows. */
  gtk_widget_set_visible (GTK_WIDGET (self->select_button), list_shown && devices);
  gtk_widget_set_visible (self->pair_button, devices);

  if (showing_sidebar_alone (self))
    {
      adw_window_title_set_title (self->content_title, "Vizora");
      adw_window_title_set_subtitle (self->content_title, "");
      gtk_widget_set_visible (self->back_button, FALSE);
      return;
    }

  if (devices)
    g_object_get (self->devices_page, "title", &title, "subtitle", &subtitle, NULL);
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "content") == 0)
    title = g_strdup (_("Content"));
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "schedules") == 0)
    title = g_strdup (_("Schedules"));
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "health") == 0)
    title = g_strdup (_("Health"));
  else if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "analytics") == 0)
    title = g_strdup (_("Analytics"));
  else
    title = g_strdup (_("Playlists"));
  adw_window_title_set_title (self->content_title, title != NULL ? title : "");
  adw_window_title_set_subtitle (self->content_title, subtitle != NULL ? subtitle : "");
  gtk_widget_set_visible (self->back_button, detail || adw_leaflet_get_folded (self->leaflet));
}

static gboolean
update_header_idle (gpointer user_data)
{
  VzWindow *self = user_data;

  self->header_update_id = 0;
  update_header (self);
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is allocated, after the header bar above it
 * was: changing its buttons and title then would leave it to be drawn with
 * a stale allocation, so the change waits for the allocation to end. (The
 * page does the same with its own leaflet.) */
static void
queue_update_header (VzWindow *self)
{
  g_assert (VZ_IS_WINDOW (self));

  if (self->header_update_id == 0)
    self->header_update_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_header_idle, self, NULL);
}

static void
on_back_clicked (VzWindow *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "devices") == 0 &&
      showing_detail_page (self))
    gtk_widget_activate_action (GTK_WIDGET (self->devices_page), "devices.close-detail", NULL);
  else
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_sidebar_row_activated (VzWindow      *self,
                          GtkListBoxRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", gtk_widget_get_name (GTK_WIDGET (row)));
}

static gboolean
vz_window_close_request (GtkWindow *window)
{
  VzWindow *self = VZ_WINDOW (window);
  int width, height;

  /* Only the unmaximized size is worth restoring. */
  gtk_window_get_default_size (window, &width, &height);
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (vz_window_parent_class)->close_request (window);
}

/* ---- the pages other than Devices ---- */

/*
 * Playlists, Content, Schedules, Health and Analytics are made when first
 * shown (or first asked for): at the start only the Devices page is built,
 * styled, measured and fed the engine's stores, which the five others would
 * otherwise each be as well, shown or not. Each is added to the content
 * stack under its name; the stack owns it.
 */
static GtkWidget **
lazy_page_slot (VzWindow   *self,
                const char *name,
                GType      *type)
{
  g_assert (VZ_IS_WINDOW (self));

  if (g_str_equal (name, "playlists"))
    return *type = VZ_TYPE_PLAYLISTS_PAGE, (GtkWidget **) &self->playlists_page;
  if (g_str_equal (name, "content"))
    return *type = VZ_TYPE_CONTENT_PAGE, (GtkWidget **) &self->content_page;
  if (g_str_equal (name, "schedules"))
    return *type = VZ_TYPE_SCHEDULES_PAGE, (GtkWidget **) &self->schedules_page;
  if (g_str_equal (name, "health"))
    return *type = VZ_TYPE_HEALTH_PAGE, (GtkWidget **) &self->health_page;
  if (g_str_equal (name, "analytics"))
    return *type = VZ_TYPE_ANALYTICS_PAGE, (GtkWidget **) &self->analytics_page;
  return NULL;
}

static void
set_lazy_pages_engine (VzWindow     *self,
                       VzSyncEngine *engine)
{
  if (self->playlists_page != NULL)
    vz_playlists_page_set_sync_engine (self->playlists_page, engine);
  if (self->content_page != NULL)
    vz_content_page_set_sync_engine (self->content_page, engine);
  if (self->schedules_page != NULL)
    vz_schedules_page_set_sync_engine (self->schedules_page, engine);
  if (self->health_page != NULL)
    vz_health_page_set_sync_engine (self->health_page, engine);
  if (self->analytics_page != NULL)
    vz_analytics_page_set_sync_engine (self->analytics_page, engine);
}

GtkWidget *
_vz_window_ensure_page (VzWindow   *self,
                        const char *name)
{
  GType type = G_TYPE_INVALID;
  GtkWidget **slot;

  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  slot = lazy_page_slot (self, name, &type);
  /* Devices is in the template; a page without a name of ours is none. */
  if (slot == NULL)
    return self->content_stack != NULL ? gtk_stack_get_child_by_name (self->content_stack, name) : NULL;
  /* Gone with the template (dispose): none is made again. */
  if (*slot == NULL && self->content_stack != NULL && !self->disposed)
    {
      *slot = g_object_new (type, NULL);
      gtk_stack_add_named (self->content_stack, *slot, name);
      /* It follows the engine as the others do: while the window is realized. */
      if (gtk_widget_get_realized (GTK_WIDGET (self)))
        set_lazy_pages_engine (self, self->engine);
    }
  return *slot;
}

/*
 * The window follows the engine (its signals, its bindings, and the pages'
 * engine) only while it is realized. Closing destroys the window, which
 * unrealizes it at once, but the window object lives on until its last
 * reference goes: an engine signal in between would update widgets without
 * a surface (a tooltip asks the surface for the pointer).
 */
static void
follow_engine (VzWindow *self,
               gboolean  attached)
{
  VzSyncEngine *engine = attached ? self->engine : NULL;

  g_signal_group_set_target (self->engine_signals, engine);
  g_signal_group_set_target (self->session_signals, engine != NULL ? vz_sync_engine_get_session (engine) : NULL);
  g_signal_group_set_target (self->displays_signals, engine != NULL ? vz_sync_engine_get_displays (engine) : NULL);
  g_binding_group_set_source (self->engine_bindings, engine);
  g_binding_group_set_source (self->session_bindings, engine != NULL ? vz_sync_engine_get_session (engine) : NULL);

  if (engine == NULL)
    g_clear_handle_id (&self->snapshot_age_id, g_source_remove);
  /* Gone once the template is disposed (dispose may run twice). */
  if (self->devices_page != NULL)
    vz_devices_page_set_sync_engine (self->devices_page, engine);
  set_lazy_pages_engine (self, engine);
  if (self->pending_popover != NULL)
    {
      if (engine == NULL)
        gtk_popover_popdown (GTK_POPOVER (self->pending_popover));
      vz_pending_popover_set_sync_engine (self->pending_popover, engine);
    }

  if (!attached)
    return;

  if (engine == NULL)
    {
      gtk_revealer_set_reveal_child (self->availability_revealer, FALSE);
      gtk_revealer_set_reveal_child (self->keyring_revealer, FALSE);
    }
  update_snapshot (self);
  update_connection_state (self);
  update_account (self);
  update_devices_count (self);
  _vz_window_update_actions (self);
}

static void
vz_window_realize (GtkWidget *widget)
{
  VzWindow *self = VZ_WINDOW (widget);

  GTK_WIDGET_CLASS (vz_window_parent_class)->realize (widget);

  follow_engine (self, TRUE);
}

static void
vz_window_unrealize (GtkWidget *widget)
{
  VzWindow *self = VZ_WINDOW (widget);

  follow_engine (self, FALSE);
  vz_gui_drop_pending_tooltip (widget);

  GTK_WIDGET_CLASS (vz_window_parent_class)->unrealize (widget);
}

static void
vz_window_dispose (GObject *object)
{
  VzWindow *self = VZ_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  /* Detaches the pages from the engine before it can outlive us. */
  follow_engine (self, FALSE);
  g_clear_object (&self->engine);
  g_clear_handle_id (&self->snapshot_age_id, g_source_remove);
  g_clear_handle_id (&self->header_update_id, g_source_remove);
  g_clear_handle_id (&self->pending_wait_id, g_source_remove);
  _vz_window_stop_toasts_wait (self);
  g_queue_clear_full (&self->toasts, g_object_unref);

  self->disposed = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_WINDOW);
  /* The stack owned them. */
  self->playlists_page = NULL;
  self->content_page = NULL;
  self->schedules_page = NULL;
  self->health_page = NULL;
  self->analytics_page = NULL;

  G_OBJECT_CLASS (vz_window_parent_class)->dispose (object);
}

static void
vz_window_finalize (GObject *object)
{
  VzWindow *self = VZ_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->displays_signals);
  g_clear_object (&self->engine_bindings);
  g_clear_object (&self->session_bindings);
  g_free (self->last_toast);

  G_OBJECT_CLASS (vz_window_parent_class)->finalize (object);
}

static void
vz_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzWindow *self = VZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VzWindow *self = VZ_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_window_set_sync_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_window_class_init (VzWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_window_dispose;
  object_class->finalize = vz_window_finalize;
  object_class->get_property = vz_window_get_property;
  object_class->set_property = vz_window_set_property;
  widget_class->realize = vz_window_realize;
  widget_class->unrealize = vz_window_unrealize;
  window_class->close_request = vz_window_close_request;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VZ_TYPE_WELCOME_PAGE);
  g_type_ensure (VZ_TYPE_DEVICES_PAGE);
  g_type_ensure (VZ_TYPE_PLAYLISTS_PAGE);
  g_type_ensure (VZ_TYPE_CONTENT_PAGE);
  g_type_ensure (VZ_TYPE_SCHEDULES_PAGE);
  g_type_ensure (VZ_TYPE_HEALTH_PAGE);
  g_type_ensure (VZ_TYPE_ANALYTICS_PAGE);
  g_type_ensure (VZ_TYPE_PENDING_POPOVER);
  g_type_ensure (VZ_TYPE_ACCOUNT_SWITCHER);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VzWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, busy_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, sidebar_list);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, devices_row);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, devices_count_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, devices_summary_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, sidebar_org_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, sidebar_user_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, account_switcher);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, history_section);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, account_org_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, account_user_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, connection_button);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, connection_box);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, connection_dot);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, connection_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, connection_arrow);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, pending_popover);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, availability_revealer);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, availability_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, keyring_revealer);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, keyring_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, snapshot_revealer);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, snapshot_label);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, devices_page);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, playlists_row);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, schedules_row);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, content_row);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, health_row);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, analytics_row);

  gtk_widget_class_bind_template_child (widget_class, VzWindow, select_button);
  gtk_widget_class_bind_template_child (widget_class, VzWindow, pair_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_connection_query_tooltip);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, update_header);

  _vz_window_class_actions_init (widget_class);
  _vz_window_class_changes_init (widget_class);
}

static void
vz_window_init (VzWindow *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_leaflet_pages_first (self->leaflet);

  g_signal_connect_object (self->leaflet, "notify::folded", G_CALLBACK (queue_update_header), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->leaflet, "notify::visible-child", G_CALLBACK (queue_update_header), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->devices_page, "notify::title", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->devices_page, "notify::subtitle", G_CALLBACK (update_header), self,
                           G_CONNECT_SWAPPED);
  update_header (self);

  /* How many screens are online and offline (or were, last known), in the
   * header (the page's subtitle) and beside "Devices". */
  g_object_bind_property (self->devices_page, "summary-label", self->devices_summary_label, "label",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property_full (self->devices_page, "summary-label", self->devices_summary_label, "visible",
                               G_BINDING_SYNC_CREATE, vz_gui_transform_text_is_set, NULL, NULL, NULL);
  /* Selection mode (for touch): the header's toggle and Escape on the page. */
  g_object_bind_property (self->devices_page, "selection-mode", self->select_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);

  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify::connection-state",
                                  G_CALLBACK (update_connection_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::last-error",
                                  G_CALLBACK (update_connection_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::status-label",
                                  G_CALLBACK (update_connection_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::pending-count",
                                  G_CALLBACK (update_connection_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::availability",
                                  G_CALLBACK (update_connection_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::can-undo",
                                  G_CALLBACK (_vz_window_update_undo), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::undo-label",
                                  G_CALLBACK (_vz_window_update_undo), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::can-redo",
                                  G_CALLBACK (_vz_window_update_undo), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::redo-label",
                                  G_CALLBACK (_vz_window_update_undo), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::snapshot-time",
                                  G_CALLBACK (update_snapshot), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::holding",
                                  G_CALLBACK (_vz_window_on_holding), self);
  g_signal_group_connect_swapped (self->engine_signals, "change-queued",
                                  G_CALLBACK (_vz_window_on_change_queued), self);
  g_signal_group_connect_swapped (self->engine_signals, "change-failed",
                                  G_CALLBACK (_vz_window_on_change_failed), self);
  g_signal_group_connect_swapped (self->engine_signals, "change-conflict",
                                  G_CALLBACK (_vz_window_on_change_conflict), self);

  self->session_signals = g_signal_group_new (VZ_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify",
                                  G_CALLBACK (on_session_notify), self);

  self->displays_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->displays_signals, "items-changed",
                                  G_CALLBACK (on_displays_changed), self);

  self->engine_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->engine_bindings, "availability",
                             self->availability_label, "label", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_if_set, NULL, NULL, NULL);
  g_binding_group_bind_full (self->engine_bindings, "availability",
                             self->availability_revealer, "reveal-child", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_is_set, NULL, NULL, NULL);

  /* Where no keyring keeps the sign-in, the window says so for as long as
   * that holds. */
  self->session_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->session_bindings, "keyring-problem",
                             self->keyring_label, "label", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_if_set, NULL, NULL, NULL);
  g_binding_group_bind_full (self->session_bindings, "keyring-problem",
                             self->keyring_revealer, "reveal-child", G_BINDING_SYNC_CREATE,
                             vz_gui_transform_text_is_set, NULL, NULL, NULL);

  self->settings = g_settings_new (VZ_SETTINGS_SCHEMA);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* Development builds get the striped header bars GNOME uses for them. */
  if (g_str_has_suffix (APP_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  gtk_list_box_select_row (self->sidebar_list, self->devices_row);
  vz_gui_list_one_tab_stop (GTK_WIDGET (self->sidebar_list));
  vz_gui_name_toast_buttons (self->toast_overlay);
  _vz_window_update_actions (self);
  gtk_stack_set_visible_child_name (self->main_stack, "welcome");
}

VzWindow *
vz_window_new (GtkApplication *application)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  return g_object_new (VZ_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

VzSyncEngine *
vz_window_get_sync_engine (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return self->engine;
}

void
vz_window_set_sync_engine (VzWindow     *self,
                           VzSyncEngine *engine)
{
  g_return_if_fail (VZ_IS_WINDOW (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;

  if (gtk_widget_get_realized (GTK_WIDGET (self)))
    follow_engine (self, TRUE);

  gtk_spinner_stop (self->busy_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, engine != NULL ? "main" : "welcome");
  if (engine != NULL)
    adw_leaflet_set_visible_child_name (self->leaflet, "content");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

VzWelcomePage *
vz_window_get_welcome_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return self->welcome_page;
}

VzContentPage *
vz_window_get_content_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return VZ_CONTENT_PAGE (_vz_window_ensure_page (self, "content"));
}

VzSchedulesPage *
vz_window_get_schedules_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return VZ_SCHEDULES_PAGE (_vz_window_ensure_page (self, "schedules"));
}

VzHealthPage *
vz_window_get_health_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return VZ_HEALTH_PAGE (_vz_window_ensure_page (self, "health"));
}

VzAnalyticsPage *
vz_window_get_analytics_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return VZ_ANALYTICS_PAGE (_vz_window_ensure_page (self, "analytics"));
}

gboolean
vz_window_show_screen (VzWindow   *self,
                       const char *display_id)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  if (self->engine == NULL)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-page", "s", "devices");
  return vz_devices_page_show_display (self->devices_page, display_id);
}

VzPlaylistsPage *
vz_window_get_playlists_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return VZ_PLAYLISTS_PAGE (_vz_window_ensure_page (self, "playlists"));
}

VzDevicesPage *
vz_window_get_devices_page (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);

  return self->devices_page;
}

void
vz_window_show_busy (VzWindow   *self,
                     const char *message)
{
  g_return_if_fail (VZ_IS_WINDOW (self));

  gtk_label_set_label (self->busy_label, message != NULL ? message : "");
  gtk_spinner_start (self->busy_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, "busy");
}

void
vz_window_show_welcome (VzWindow *self)
{
  g_return_if_fail (VZ_IS_WINDOW (self));

  gtk_spinner_stop (self->busy_spinner);
  gtk_stack_set_visible_child_name (self->main_stack, "welcome");
}

void
vz_window_add_toast (VzWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (VZ_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  _vz_window_add_toast (self, toast);
}

void
vz_window_show_toast (VzWindow   *self,
                      const char *title)
{
  AdwToast *toast;

  g_return_if_fail (VZ_IS_WINDOW (self));
  g_return_if_fail (title != NULL);

  /* Toast titles are markup; server messages are plain text. */
  toast = _vz_window_toast_new (self, title);
  /* Error sentences are longer than the default toast time allows to read. */
  adw_toast_set_timeout (toast, 5);
  _vz_window_add_toast (self, toast);
}

/* ---- private, for tests ---- */

const char *
_vz_window_get_last_toast (VzWindow *self)
{
  return self->last_toast;
}

const char *
_vz_window_get_connection_label (VzWindow *self)
{
  return gtk_label_get_label (self->connection_label);
}

GtkMenuButton *
_vz_window_get_connection_button (VzWindow *self)
{
  return self->connection_button;
}

VzPendingPopover *
_vz_window_get_pending_popover (VzWindow *self)
{
  return self->pending_popover;
}

const char *
_vz_window_get_strip (VzWindow   *self,
                      const char *which)
{
  GtkRevealer *revealer = g_str_equal (which, "snapshot") ? self->snapshot_revealer
                         : g_str_equal (which, "keyring") ? self->keyring_revealer
                         : self->availability_revealer;
  GtkLabel *label = g_str_equal (which, "snapshot") ? self->snapshot_label
                    : g_str_equal (which, "keyring") ? self->keyring_label
                    : self->availability_label;

  if (!gtk_revealer_get_reveal_child (revealer))
    return NULL;
  return gtk_label_get_label (label);
}

GtkListBox *
_vz_window_get_sidebar (VzWindow *self)
{
  return self->sidebar_list;
}

GtkLabel *
_vz_window_get_menu_account_label (VzWindow *self)
{
  return self->account_user_label;
}

void
vz_window_set_accounts (VzWindow   *self,
                        GListModel *accounts)
{
  g_return_if_fail (VZ_IS_WINDOW (self));
  g_return_if_fail (accounts == NULL || G_IS_LIST_MODEL (accounts));

  vz_account_switcher_set_accounts (VZ_ACCOUNT_SWITCHER (self->account_switcher), accounts);
}

GtkMenuButton *
_vz_window_get_account_button (VzWindow *self)
{
  g_return_val_if_fail (VZ_IS_WINDOW (self), NULL);
  return self->account_button;
}
