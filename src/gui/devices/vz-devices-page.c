/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-playlist-resource.h"
#include "vz-devices-page.h"
#include "vz-devices-page-private.h"
#include "vz-device-detail.h"

/* "Last seen" texts change by the minute; a tick every 10 s keeps them
 * within seconds of the truth, and costs one text per bound row. */
#define CLOCK_INTERVAL_S 10
/* Filtering and sorting by status do not watch every item (that would be a
 * signal per screen); instead they are re-run at most this often after
 * status events. */
#define RESORT_DELAY_MS 1000


G_DEFINE_FINAL_TYPE (VzDevicesPage, vz_devices_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_CLOCK,
  PROP_LIVE,
  PROP_LAST_CONTACT,
  PROP_SUMMARY_LABEL,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_SHOWING_DETAIL_PAGE,
  PROP_SELECTION_MODE,
  PROP_PLAYLISTS_STAMP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Order of the status dropdown's items. */
static const VzDisplayStatus status_filter_values[] = {
  VZ_DISPLAY_STATUS_UNKNOWN,
  VZ_DISPLAY_STATUS_ONLINE,
  VZ_DISPLAY_STATUS_OFFLINE,
  VZ_DISPLAY_STATUS_IDLE,
  VZ_DISPLAY_STATUS_PAIRING,
  VZ_DISPLAY_STATUS_ERROR,
};


gboolean
_vz_devices_page_can_write (VzDevicesPage *self)
{
  return self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));
}

/* ---- filtering ---- */

gboolean
_vz_devices_page_is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;
  return TRUE;
}

/* @needle is casefolded. Names are ASCII nearly always, so that case is a
 * plain loop with no allocation; others are casefolded first. */
static gboolean
text_matches (const char *haystack,
              const char *needle,
              gboolean    needle_ascii)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL || *haystack == '\0')
    return FALSE;

  if (needle_ascii && _vz_devices_page_is_ascii (haystack))
    {
      gsize n = strlen (needle);

      for (const char *p = haystack; *p != '\0'; p++)
        if (g_ascii_strncasecmp (p, needle, n) == 0)
          return TRUE;
      return FALSE;
    }

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  VzDevicesPage *self = user_data;
  VzDisplay *display = item;

  if (self->status_filter != VZ_DISPLAY_STATUS_UNKNOWN &&
      vz_display_get_status (display) != self->status_filter)
    return FALSE;

  if (self->search == NULL)
    return TRUE;

  return text_matches (vz_display_get_display_name (display), self->search, self->search_ascii) ||
         text_matches (vz_display_get_location (display), self->search, self->search_ascii) ||
         text_matches (vz_display_get_device_identifier (display), self->search, self->search_ascii);
}

/* ---- state ---- */

static void
set_state (VzDevicesPage *self,
           const char    *state)
{
  gboolean is_list = g_str_equal (state, "list") || g_str_equal (state, "no-results");

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->state_stack), state) != 0)
    gtk_stack_set_visible_child_name (self->state_stack, state);

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (state, "loading"));
  /* Searching an empty or failed list makes no sense. */
  gtk_widget_set_sensitive (self->toolbar, is_list);
  vz_bulk_bar_set_revealed (self->bulk_bar, is_list && _vz_devices_page_bulk_bar_wanted (self));
}

void
_vz_devices_page_update_state (VzDevicesPage *self)
{
  guint n_total;
  const char *error;

  if (self->engine == NULL)
    {
      set_state (self, "loading");
      return;
    }

  n_total = g_list_model_get_n_items (G_LIST_MODEL (vz_sync_engine_get_displays (self->engine)));
  error = vz_sync_engine_get_last_error (self->engine);

  if (n_total == 0)
    {
      /* The engine keeps retrying with backoff ("loading" stays TRUE); the
       * person sees why nothing shows, and can retry at once. */
      if (!vz_sync_engine_get_loaded (self->engine) && error != NULL)
        {
          adw_status_page_set_description (self->error_page, error);
          set_state (self, "error");
        }
      else if (!vz_sync_engine_get_loaded (self->engine))
        set_state (self, "loading");
      else
        {
          _vz_devices_page_update_simulated (self);
          set_state (self, "empty");
        }
      return;
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    set_state (self, "no-results");
  else
    set_state (self, "list");
}

static void
update_actions (VzDevicesPage *self)
{
  static const char * const bulk_verbs[] = {
    "devices.reload", "devices.restart", "devices.reboot", "devices.set-location",
    "devices.add-to-group", "devices.assign-playlist", "devices.delete",
  };
  gboolean writable = _vz_devices_page_can_write (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.pair", writable);
  for (guint i = 0; i < G_N_ELEMENTS (bulk_verbs); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), bulk_verbs[i], writable && self->n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.retry", self->engine != NULL);
}

static void
update_selection (VzDevicesPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint n = (guint) gtk_bitset_get_size (selected);

  if (n == self->n_selected)
    return;

  self->n_selected = n;
  _vz_devices_page_selection_changed (self);
  update_actions (self);
  _vz_devices_page_update_state (self);
}

static void
on_selection_changed (VzDevicesPage     *self,
                      guint              position,
                      guint              n_items,
                      GtkSelectionModel *model)
{
  update_selection (self);
}

static void
on_filter_items_changed (VzDevicesPage *self,
                         guint          position,
                         guint          removed,
                         guint          added,
                         GListModel    *model)
{
  if (removed != added)
    {
      _vz_devices_page_update_state (self);
      update_selection (self);
    }
}

static void
on_store_items_changed (VzDevicesPage *self,
                        guint          position,
                        guint          removed,
                        guint          added,
                        GListModel    *model)
{
  VzDisplay *shown = vz_device_detail_get_display (self->detail);

  /* A deleted screen's detail pane would otherwise edit a ghost. */
  if (removed > 0 && shown != NULL &&
      vz_store_lookup (VZ_STORE (model), vz_entity_get_id (VZ_ENTITY (shown))) != shown)
    {
      _vz_devices_page_show_detail (self, FALSE);
      vz_device_detail_set_display (self->detail, NULL);
    }

  if (removed != added)
    _vz_devices_page_update_state (self);
}

static gboolean
resort_timeout (gpointer user_data)
{
  VzDevicesPage *self = user_data;

  self->resort_id = 0;

  /* Re-sorting or re-filtering renumbers rows, which would drop what the
   * person selected; then the list waits until the selection is gone. */
  if (self->n_selected > 0)
    return G_SOURCE_REMOVE;

  if (self->status_filter != VZ_DISPLAY_STATUS_UNKNOWN)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  /* These only propagate when their column is the one sorted by. */
  gtk_sorter_changed (self->status_sorter, GTK_SORTER_CHANGE_DIFFERENT);
  gtk_sorter_changed (self->last_seen_sorter, GTK_SORTER_CHANGE_DIFFERENT);

  return G_SOURCE_REMOVE;
}

static void
on_realtime_event (VzDevicesPage *self,
                   const char    *name,
                   JsonNode      *payload,
                   VzSyncEngine  *engine)
{
  if (name == NULL || !g_str_has_prefix (name, "device:status"))
    return;

  if (self->resort_id == 0)
    self->resort_id = g_timeout_add (RESORT_DELAY_MS, resort_timeout, self);
}

static void
on_search_changed (VzDevicesPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *folded = *stripped != '\0' ? g_utf8_casefold (stripped, -1) : NULL;
  GtkFilterChange change;

  if (g_strcmp0 (folded, self->search) == 0)
    return;

  if (self->search == NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (folded == NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else if (strstr (folded, self->search) != NULL)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (strstr (self->search, folded) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  g_free (self->search);
  self->search = g_steal_pointer (&folded);
  self->search_ascii = self->search != NULL && _vz_devices_page_is_ascii (self->search);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static void
on_stop_search (VzDevicesPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
on_status_filter_changed (VzDevicesPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->status_dropdown);
  VzDisplayStatus status = VZ_DISPLAY_STATUS_UNKNOWN;
  GtkFilterChange change;

  if (selected < G_N_ELEMENTS (status_filter_values))
    status = status_filter_values[selected];
  if (status == self->status_filter)
    return;

  if (self->status_filter == VZ_DISPLAY_STATUS_UNKNOWN)
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (status == VZ_DISPLAY_STATUS_UNKNOWN)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  self->status_filter = status;
  if (self->filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), change);
}

/*
 * The detail pane sits beside the list when there is room and replaces it
 * (with a way back) when there is not: an AdwLeaflet with the pane hidden
 * until a screen is chosen.
 */
void
_vz_devices_page_show_detail (VzDevicesPage *self,
                              gboolean       show)
{
  gtk_widget_set_visible (self->detail_separator, show);
  gtk_widget_set_visible (GTK_WIDGET (self->detail), show);
  adw_leaflet_set_visible_child_name (self->leaflet, show ? "detail" : "list");
}

void
_vz_devices_page_open_detail (VzDevicesPage *self,
                              guint          position)
{
  g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (display == NULL)
    return;

  vz_device_detail_set_display (self->detail, display);
  _vz_devices_page_show_detail (self, TRUE);
}

gboolean
vz_devices_page_show_display (VzDevicesPage *self,
                              const char    *display_id)
{
  VzDisplay *display;

  g_return_val_if_fail (VZ_IS_DEVICES_PAGE (self), FALSE);
  g_return_val_if_fail (display_id != NULL, FALSE);

  display = self->engine != NULL ? vz_store_lookup (vz_sync_engine_get_displays (self->engine), display_id) : NULL;
  if (display == NULL)
    return FALSE;
  /* Its row is the one chosen, as after a click, when the list shows it. */
  _vz_devices_page_show_all_rows (self);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); i++)
    {
      g_autoptr(VzDisplay) row = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

      if (row == display)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, TRUE);
          break;
        }
    }
  vz_device_detail_set_display (self->detail, display);
  _vz_devices_page_show_detail (self, TRUE);
  return TRUE;
}

static void
on_row_activated (VzDevicesPage *self,
                  guint          position)
{
  _vz_devices_page_open_detail (self, position);
}

/* ---- clock ---- */

static void
set_clock (VzDevicesPage *self,
           gint64         clock)
{
  if (self->clock == clock)
    return;
  self->clock = clock;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK]);
}

static gboolean
clock_tick (gpointer user_data)
{
  VzDevicesPage *self = user_data;

  set_clock (self, g_get_real_time ());
  return G_SOURCE_CONTINUE;
}

static void
vz_devices_page_map (GtkWidget *widget)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  GTK_WIDGET_CLASS (vz_devices_page_parent_class)->map (widget);

  /* Nobody reads the texts while the page is hidden. */
  set_clock (self, g_get_real_time ());
  if (self->clock_id == 0)
    self->clock_id = g_timeout_add_seconds (CLOCK_INTERVAL_S, clock_tick, self);
}

static void
vz_devices_page_unmap (GtkWidget *widget)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  g_clear_handle_id (&self->clock_id, g_source_remove);

  GTK_WIDGET_CLASS (vz_devices_page_parent_class)->unmap (widget);
}

void
_vz_devices_page_notify_truth (VzDevicesPage      *self,
                               VzDevicesPageTruth  what)
{
  static const guint props[] = {
    [VZ_DEVICES_PAGE_TRUTH_LIVE] = PROP_LIVE,
    [VZ_DEVICES_PAGE_TRUTH_LAST_CONTACT] = PROP_LAST_CONTACT,
    [VZ_DEVICES_PAGE_TRUTH_SUMMARY_LABEL] = PROP_SUMMARY_LABEL,
  };

  g_object_notify_by_pspec (G_OBJECT (self), properties[props[what]]);
}

void
_vz_devices_page_notify_header (VzDevicesPage *self,
                                gboolean       detail_page_changed)
{
  if (detail_page_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWING_DETAIL_PAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

static void
bump_playlists_stamp (VzDevicesPage *self)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  self->playlists_stamp++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYLISTS_STAMP]);
}

static void
on_playlists_changed (VzDevicesPage *self,
                      guint          position,
                      guint          removed,
                      guint          added,
                      GListModel    *playlists)
{
  g_assert (VZ_IS_DEVICES_PAGE (self));

  for (guint i = position; playlists != NULL && i < position + added; i++)
    {
      g_autoptr(GObject) playlist = g_list_model_get_item (playlists, i);

      g_signal_connect_object (playlist, "notify::name", G_CALLBACK (bump_playlists_stamp), self, G_CONNECT_SWAPPED);
    }
  bump_playlists_stamp (self);
}

/* ---- GObject ---- */

static void
vz_devices_page_dispose (GObject *object)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->engine_signals);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->displays_signals);
  g_clear_object (&self->playlists_signals);
  _vz_devices_page_truth_dispose (self);
  _vz_devices_page_adaptive_dispose (self);
  _vz_devices_page_simulated_dispose (self);
  _vz_devices_page_rows_dispose (self);
  g_clear_object (&self->engine);

  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_handle_id (&self->resort_id, g_source_remove);

  /* The column view goes with the template; drop the models after it. */
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_DEVICES_PAGE);
  /* The template's top box has no id, so dispose_template leaves it. */
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  g_clear_object (&self->check_column);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->status_sorter);
  g_clear_object (&self->last_seen_sorter);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (vz_devices_page_parent_class)->dispose (object);
}

static void
vz_devices_page_finalize (GObject *object)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (object);

  g_free (self->search);

  G_OBJECT_CLASS (vz_devices_page_parent_class)->finalize (object);
}

static void
vz_devices_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_CLOCK:
      g_value_set_int64 (value, self->clock);
      break;
    case PROP_LIVE:
      g_value_set_boolean (value, self->live);
      break;
    case PROP_LAST_CONTACT:
      g_value_set_int64 (value, self->last_contact);
      break;
    case PROP_SUMMARY_LABEL:
      g_value_set_string (value, self->summary_label);
      break;
    case PROP_TITLE:
      g_value_set_string (value, _vz_devices_page_get_title (self));
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, _vz_devices_page_get_subtitle (self));
      break;
    case PROP_SHOWING_DETAIL_PAGE:
      g_value_set_boolean (value, self->showing_detail_page);
      break;
    case PROP_PLAYLISTS_STAMP:
      g_value_set_uint (value, self->playlists_stamp);
      break;
    case PROP_SELECTION_MODE:
      g_value_set_boolean (value, self->selection_mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_devices_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (object);

  switch (prop_id)
    {
    case PROP_SYNC_ENGINE:
      vz_devices_page_set_sync_engine (self, g_value_get_object (value));
      break;
    case PROP_SELECTION_MODE:
      vz_devices_page_set_selection_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_devices_page_class_init (VzDevicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_devices_page_dispose;
  object_class->finalize = vz_devices_page_finalize;
  object_class->get_property = vz_devices_page_get_property;
  object_class->set_property = vz_devices_page_set_property;
  widget_class->map = vz_devices_page_map;
  widget_class->unmap = vz_devices_page_unmap;

  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL,
                         VZ_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CLOCK] =
    g_param_spec_int64 ("clock", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LIVE] =
    g_param_spec_boolean ("live", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_CONTACT] =
    g_param_spec_int64 ("last-contact", NULL, NULL,
                        0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SUMMARY_LABEL] =
    g_param_spec_string ("summary-label", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* What a header bar above the page says: "Devices" and the counts, or the
   * screen's name and state while its detail is a page of its own. */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Whether the detail shows instead of the list (the page is too narrow
   * for both); then going back means closing it. */
  properties[PROP_SHOWING_DETAIL_PAGE] =
    g_param_spec_boolean ("showing-detail-page", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Moves on when a playlist comes, goes or is renamed (the Playlist cells). */
  properties[PROP_PLAYLISTS_STAMP] =
    g_param_spec_uint ("playlists-stamp", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTION_MODE] =
    g_param_spec_boolean ("selection-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VZ_TYPE_DEVICE_DETAIL);
  g_type_ensure (VZ_TYPE_BANNER);
  g_type_ensure (VZ_TYPE_BULK_BAR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-devices-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, detail_separator);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, state_stack);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, simulator_hint);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, simulate_button);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, bulk_bar);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, detail);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, connection_banner);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, outage_banner);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, server_banner);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_status_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  _vz_devices_page_class_actions_init (widget_class);
  _vz_devices_page_selection_class_init (widget_class);
  _vz_devices_page_playlist_class_init (widget_class);
  _vz_devices_page_truth_class_init (widget_class);
  _vz_devices_page_simulated_class_init (widget_class);
}

static void
vz_devices_page_init (VzDevicesPage *self)
{
  GtkSorter *sorter;

  self->cancellable = g_cancellable_new ();
  self->status_filter = VZ_DISPLAY_STATUS_UNKNOWN;
  self->clock = g_get_real_time ();

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_leaflet_pages_first (self->leaflet);

  gtk_widget_add_css_class (GTK_WIDGET (self->detail), "background");

  _vz_devices_page_build_columns (self);
  _vz_devices_page_selection_init (self);

  /*
   * store → sort → filter → rows → selection. Sorting sits under the filter so that
   * it runs when the fleet or the sort order changes, not on every keystroke:
   * a search then only picks rows out of an already sorted list.
   */
  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sort_model = gtk_sort_list_model_new (NULL, sorter != NULL ? g_object_ref (sorter) : NULL);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->sort_model)),
                                                  GTK_FILTER (g_object_ref (self->filter)));
  g_signal_connect_object (self->filter_model, "items-changed",
                           G_CALLBACK (on_filter_items_changed), self, G_CONNECT_SWAPPED);
  self->selection = GTK_MULTI_SELECTION (_vz_devices_page_rows_init (self));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  self->engine_signals = g_signal_group_new (VZ_TYPE_SYNC_ENGINE);
  g_signal_group_connect_swapped (self->engine_signals, "notify::loading",
                                  G_CALLBACK (_vz_devices_page_update_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::loaded",
                                  G_CALLBACK (_vz_devices_page_update_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "notify::last-error",
                                  G_CALLBACK (_vz_devices_page_update_state), self);
  g_signal_group_connect_swapped (self->engine_signals, "realtime-event",
                                  G_CALLBACK (on_realtime_event), self);

  self->session_signals = g_signal_group_new (VZ_TYPE_SESSION);
  g_signal_group_connect_swapped (self->session_signals, "notify::role", G_CALLBACK (update_actions), self);

  self->displays_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->displays_signals, "items-changed",
                                  G_CALLBACK (on_store_items_changed), self);
  self->playlists_signals = g_signal_group_new (VZ_TYPE_STORE);
  g_signal_group_connect_swapped (self->playlists_signals, "items-changed",
                                  G_CALLBACK (on_playlists_changed), self);

  _vz_devices_page_truth_init (self);
  _vz_devices_page_adaptive_init (self);
  _vz_devices_page_simulated_init (self);

  /* The pane edits screens of the page's engine. */
  g_object_bind_property (self, "sync-engine", self->detail, "sync-engine", G_BINDING_SYNC_CREATE);

  update_actions (self);
  _vz_devices_page_update_state (self);
}

GtkWidget *
vz_devices_page_new (void)
{
  return g_object_new (VZ_TYPE_DEVICES_PAGE, NULL);
}

VzSyncEngine *
vz_devices_page_get_sync_engine (VzDevicesPage *self)
{
  g_return_val_if_fail (VZ_IS_DEVICES_PAGE (self), NULL);

  return self->engine;
}

void
vz_devices_page_set_sync_engine (VzDevicesPage *self,
                                 VzSyncEngine  *engine)
{
  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;

  g_signal_group_set_target (self->engine_signals, engine);
  g_signal_group_set_target (self->session_signals, engine != NULL ? vz_sync_engine_get_session (engine) : NULL);
  g_signal_group_set_target (self->displays_signals, engine != NULL ? vz_sync_engine_get_displays (engine) : NULL);
  g_signal_group_set_target (self->playlists_signals, engine != NULL ? vz_sync_engine_get_playlists (engine) : NULL);
  if (engine != NULL)
    {
      GListModel *playlists = G_LIST_MODEL (vz_sync_engine_get_playlists (engine));

      on_playlists_changed (self, 0, 0, g_list_model_get_n_items (playlists), playlists);
    }

  /* The pane showed a screen of the other engine. */
  _vz_devices_page_show_detail (self, FALSE);
  vz_device_detail_set_display (self->detail, NULL);

  gtk_sort_list_model_set_model (self->sort_model,
                                 engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_displays (engine)) : NULL);
  update_actions (self);
  _vz_devices_page_update_state (self);
  _vz_devices_page_update_truth (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
}

gboolean
vz_devices_page_get_selection_mode (VzDevicesPage *self)
{
  g_return_val_if_fail (VZ_IS_DEVICES_PAGE (self), FALSE);

  return self->selection_mode;
}

void
vz_devices_page_set_selection_mode (VzDevicesPage *self,
                                    gboolean       selection_mode)
{
  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));

  selection_mode = !!selection_mode;
  if (self->selection_mode == selection_mode)
    return;
  self->selection_mode = selection_mode;
  _vz_devices_page_selection_mode_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_MODE]);
}

gint64
vz_devices_page_get_clock (VzDevicesPage *self)
{
  g_return_val_if_fail (VZ_IS_DEVICES_PAGE (self), 0);

  return self->clock;
}

void
vz_devices_page_focus_search (VzDevicesPage *self)
{
  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));

  /* The search is above the list, which the detail may cover. */
  if (self->showing_detail_page)
    _vz_devices_page_show_detail (self, FALSE);
  if (gtk_widget_get_sensitive (self->toolbar))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- private, for tests ---- */

GtkColumnView *
_vz_devices_page_get_column_view (VzDevicesPage *self)
{
  return self->column_view;
}

const char *
_vz_devices_page_get_state (VzDevicesPage *self)
{
  return gtk_stack_get_visible_child_name (self->state_stack);
}

GtkWidget *
_vz_devices_page_get_state_widget (VzDevicesPage *self,
                                   const char    *state)
{
  return gtk_stack_get_child_by_name (self->state_stack, state);
}

GtkSearchEntry *
_vz_devices_page_get_search_entry (VzDevicesPage *self)
{
  return self->search_entry;
}

VzDeviceDetail *
_vz_devices_page_get_detail (VzDevicesPage *self)
{
  return self->detail;
}

GtkDropDown *
_vz_devices_page_get_status_dropdown (VzDevicesPage *self)
{
  return self->status_dropdown;
}

VzBulkBar *
_vz_devices_page_get_bulk_bar (VzDevicesPage *self)
{
  return self->bulk_bar;
}
