/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-display-group-resource.h"
#include "vz-display-resource.h"
#include "vz-gui.h"
#include "vz-devices-page.h"
#include "vz-devices-page-private.h"
#include "vz-device-detail.h"
#include "vz-pair-dialog.h"

/* "Last seen" texts change by the minute; half a minute keeps them honest. */
#define CLOCK_INTERVAL_S 30
/* Filtering and sorting by status do not watch every item (that would be a
 * signal per screen); instead they are re-run at most this often after
 * status events. */
#define RESORT_DELAY_MS 1000

struct _VzDevicesPage
{
  GtkWidget            parent_instance;

  VzSyncEngine        *engine;
  GCancellable        *cancellable;
  gint64               clock;
  guint                clock_id;
  guint                resort_id;

  char                *search;          /* casefolded, NULL when empty */
  gboolean             search_ascii;
  VzDisplayStatus      status_filter;   /* UNKNOWN: every status */

  GtkCustomFilter     *filter;
  GtkFilterListModel  *filter_model;
  GtkSortListModel    *sort_model;
  GtkMultiSelection   *selection;
  GtkSorter           *status_sorter;
  GtkSorter           *last_seen_sorter;
  guint                n_selected;

  /* template children */
  AdwLeaflet          *leaflet;
  GtkWidget           *detail_separator;
  GtkWidget           *toolbar;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *status_dropdown;
  GtkStack            *state_stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *empty_page;
  AdwStatusPage       *error_page;
  AdwStatusPage       *no_results_page;
  GtkLabel            *simulator_hint;
  GtkColumnView       *column_view;
  GtkActionBar        *selection_bar;
  GtkLabel            *selection_label;
  VzDeviceDetail      *detail;
};

G_DEFINE_FINAL_TYPE (VzDevicesPage, vz_devices_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC_ENGINE,
  PROP_CLOCK,
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

static void show_detail (VzDevicesPage *self,
                         gboolean       show);

static gboolean
can_write (VzDevicesPage *self)
{
  return self->engine != NULL && vz_session_can_write (vz_sync_engine_get_session (self->engine));
}

/* ---- expression closures (this = the GtkListItem, or the item for sorters) ---- */

static char *
status_label_closure (gpointer        this_,
                      VzDisplayStatus status,
                      gpointer        user_data)
{
  return g_strdup (vz_display_status_to_label (status));
}

static GStrv
status_dot_classes_closure (gpointer        this_,
                            VzDisplayStatus status,
                            gpointer        user_data)
{
  GStrv classes = g_new0 (char *, 3);

  classes[0] = g_strdup ("vz-status-dot");
  classes[1] = g_strdup (status_css_class (status));
  return classes;
}

static char *
text_or_empty_closure (gpointer    this_,
                       const char *text,
                       gpointer    user_data)
{
  return g_strdup (text != NULL ? text : "");
}

/* An unset location is simply blank (most screens have none), while a
 * screen without a group or playlist says so in words: there, "nothing"
 * is a state worth reading. */
static char *
group_or_none_closure (gpointer    this_,
                       const char *text,
                       gpointer    user_data)
{
  return g_strdup (text != NULL && *text != '\0' ? text : _("No group"));
}

static char *
playlist_or_none_closure (gpointer    this_,
                          const char *text,
                          gpointer    user_data)
{
  return g_strdup (text != NULL && *text != '\0' ? text : _("No playlist"));
}

static char *
last_seen_closure (gpointer   this_,
                   GDateTime *last_heartbeat,
                   gint64     clock,
                   gpointer   user_data)
{
  return vz_gui_format_relative_time (last_heartbeat, clock);
}

static int
status_rank_closure (gpointer        this_,
                     VzDisplayStatus status,
                     gpointer        user_data)
{
  /* What needs attention sorts next to what works: online, idle, pairing,
   * error, offline. */
  switch (status)
    {
    case VZ_DISPLAY_STATUS_ONLINE:
      return 0;
    case VZ_DISPLAY_STATUS_IDLE:
      return 1;
    case VZ_DISPLAY_STATUS_PAIRING:
      return 2;
    case VZ_DISPLAY_STATUS_ERROR:
      return 3;
    case VZ_DISPLAY_STATUS_OFFLINE:
      return 4;
    case VZ_DISPLAY_STATUS_UNKNOWN:
    default:
      return 5;
    }
}

static gint64
last_seen_sort_closure (gpointer   this_,
                        GDateTime *last_heartbeat,
                        gpointer   user_data)
{
  return last_heartbeat != NULL ? g_date_time_to_unix (last_heartbeat) : G_MININT64;
}

static GtkExpression *
display_property (GtkExpression *item_expression,
                  const char    *property)
{
  return gtk_property_expression_new (VZ_TYPE_DISPLAY,
                                      item_expression != NULL ? gtk_expression_ref (item_expression) : NULL,
                                      property);
}

static GtkExpression *
closure_of_property (GType          value_type,
                     GtkExpression *item_expression,
                     const char    *property,
                     GCallback      callback)
{
  GtkExpression *params[1] = { display_property (item_expression, property) };

  return gtk_cclosure_expression_new (value_type, NULL, 1, params, callback, NULL, NULL);
}

static GStrv
name_classes_closure (gpointer this_,
                      gboolean pending,
                      gpointer user_data)
{
  GStrv classes = g_new0 (char *, 3);

  classes[0] = g_strdup ("vz-cell-name");
  if (pending)
    classes[1] = g_strdup ("vz-pending");
  return classes;
}

/* ---- cell factories ---- */

typedef struct {
  GtkExpression *text;
  const char    *css_class;
  int            width_chars;   /* keeps an expanding column from vanishing */
} LabelColumn;

static void
label_column_free (gpointer data,
                   GClosure *closure)
{
  LabelColumn *column = data;

  gtk_expression_unref (column->text);
  g_free (column);
}

static void
label_cell_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  LabelColumn              *column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), column->width_chars);
  gtk_widget_add_css_class (label, column->css_class);
  gtk_list_item_set_child (list_item, label);

  /* The watch lives as long as the label; it follows the row's item and the
   * item's property, so a status change repaints only this cell. */
  gtk_expression_bind (gtk_expression_ref (column->text), label, "label", list_item);
}

static GtkListItemFactory *
label_factory_new (GtkExpression *text,
                   const char    *css_class,
                   int            width_chars)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  LabelColumn *column = g_new0 (LabelColumn, 1);

  column->text = text;
  column->css_class = css_class;
  column->width_chars = width_chars;
  g_signal_connect_data (factory, "setup", G_CALLBACK (label_cell_setup),
                         column, label_column_free, 0);
  return factory;
}

static void
status_cell_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  user_data)
{
  g_autoptr(GtkExpression) item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *dot = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (dot, "vz-status-dot");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "vz-cell-status");
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);

  gtk_expression_bind (closure_of_property (G_TYPE_STRV, item, "status", G_CALLBACK (status_dot_classes_closure)),
                       dot, "css-classes", list_item);
  gtk_expression_bind (closure_of_property (G_TYPE_STRING, item, "status", G_CALLBACK (status_label_closure)),
                       label, "label", list_item);
}

/*
 * The name, and beside it what the person's own changes to the screen are
 * doing: a pencil while a change waits to be saved, a warning while it
 * conflicts with a colleague's. Both follow the entity's "pending" and
 * "conflict" properties (set by the sync engine), so nothing polls.
 */
/* A conflict is also pending; the warning says more, so it wins. */
static gboolean
pending_only_closure (gpointer this_,
                      gboolean pending,
                      gboolean conflict,
                      gpointer user_data)
{
  return pending && !conflict;
}

static void
name_cell_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  g_autoptr(GtkExpression) item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *pending = gtk_image_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *conflict = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkExpression *params[2];

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 16);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "vz-cell-name");

  gtk_widget_add_css_class (pending, "dim-label");
  gtk_widget_add_css_class (pending, "vz-pending-icon");
  gtk_widget_set_tooltip_text (pending, _("Waiting to be saved"));
  gtk_widget_add_css_class (conflict, "warning");
  gtk_widget_add_css_class (conflict, "vz-conflict-icon");
  gtk_widget_set_tooltip_text (conflict, _("Someone else changed this screen too. Choose which version to keep in the list of changes."));

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), pending);
  gtk_box_append (GTK_BOX (box), conflict);
  gtk_list_item_set_child (list_item, box);

  gtk_expression_bind (closure_of_property (G_TYPE_STRING, item, "display-name", G_CALLBACK (text_or_empty_closure)),
                       label, "label", list_item);
  gtk_expression_bind (closure_of_property (G_TYPE_STRV, item, "pending", G_CALLBACK (name_classes_closure)),
                       label, "css-classes", list_item);
  params[0] = display_property (item, "pending");
  params[1] = display_property (item, "conflict");
  gtk_expression_bind (gtk_cclosure_expression_new (G_TYPE_BOOLEAN, NULL, 2, params,
                                                    G_CALLBACK (pending_only_closure), NULL, NULL),
                       pending, "visible", list_item);
  gtk_expression_bind (display_property (item, "conflict"), conflict, "visible", list_item);
}

static GtkColumnViewColumn *
add_column (VzDevicesPage      *self,
            const char         *title,
            GtkListItemFactory *factory,
            GtkSorter          *sorter,
            gboolean            expand,
            int                 fixed_width)
{
  GtkColumnViewColumn *column = gtk_column_view_column_new (title, factory);

  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
  g_clear_object (&sorter);

  return column;
}

static void
build_columns (VzDevicesPage *self)
{
  g_autoptr(GtkExpression) item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  GtkListItemFactory *factory;
  GtkExpression *params[2];
  GtkColumnViewColumn *name_column;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (name_cell_setup), NULL);
  name_column = add_column (self, _("Name"),
                            factory,
                            GTK_SORTER (gtk_string_sorter_new (display_property (NULL, "display-name"))),
                            TRUE, 0);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (status_cell_setup), NULL);
  self->status_sorter =
    GTK_SORTER (gtk_numeric_sorter_new (closure_of_property (G_TYPE_INT, NULL, "status",
                                                             G_CALLBACK (status_rank_closure))));
  add_column (self, _("Status"), factory, g_object_ref (self->status_sorter), FALSE, 130);

  add_column (self, _("Location"),
              label_factory_new (closure_of_property (G_TYPE_STRING, item, "location",
                                                      G_CALLBACK (text_or_empty_closure)),
                                 "vz-cell-location", 10),
              GTK_SORTER (gtk_string_sorter_new (display_property (NULL, "location"))),
              TRUE, 0);

  add_column (self, _("Group"),
              label_factory_new (closure_of_property (G_TYPE_STRING, item, "group-name",
                                                      G_CALLBACK (group_or_none_closure)),
                                 "vz-cell-group", -1),
              GTK_SORTER (gtk_string_sorter_new (display_property (NULL, "group-name"))),
              FALSE, 120);

  add_column (self, _("Playlist"),
              label_factory_new (closure_of_property (G_TYPE_STRING, item, "current-playlist-id",
                                                      G_CALLBACK (playlist_or_none_closure)),
                                 "vz-cell-playlist", -1),
              GTK_SORTER (gtk_string_sorter_new (display_property (NULL, "current-playlist-id"))),
              FALSE, 110);

  params[0] = display_property (item, "last-heartbeat");
  params[1] = gtk_property_expression_new (VZ_TYPE_DEVICES_PAGE,
                                           gtk_object_expression_new (G_OBJECT (self)),
                                           "clock");
  self->last_seen_sorter =
    GTK_SORTER (gtk_numeric_sorter_new (closure_of_property (G_TYPE_INT64, NULL, "last-heartbeat",
                                                             G_CALLBACK (last_seen_sort_closure))));
  add_column (self, _("Last Seen"),
              label_factory_new (gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 2, params,
                                                              G_CALLBACK (last_seen_closure), NULL, NULL),
                                 "vz-cell-last-seen", -1),
              g_object_ref (self->last_seen_sorter),
              FALSE, 130);

  gtk_column_view_sort_by_column (self->column_view, name_column, GTK_SORT_ASCENDING);
}

/* ---- filtering ---- */

static gboolean
is_ascii (const char *text)
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

  if (needle_ascii && is_ascii (haystack))
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

static gboolean
server_is_on_this_computer (VzDevicesPage *self)
{
  const char *url = vz_session_get_server_url (vz_sync_engine_get_session (self->engine));
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return host != NULL &&
         (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "localhost") || g_str_equal (host, "::1"));
}

static void
update_simulator_hint (VzDevicesPage *self)
{
  g_autofree char *hint = NULL;

  if (self->engine == NULL || !server_is_on_this_computer (self))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->simulator_hint), FALSE);
      return;
    }

  hint = g_strdup_printf (_("No screen at hand? Simulated screens work like real ones:\n"
                            "vizora-sim --server %s --email %s --password … --screens 3"),
                          vz_session_get_server_url (vz_sync_engine_get_session (self->engine)),
                          vz_session_get_user_email (vz_sync_engine_get_session (self->engine)));
  gtk_label_set_label (self->simulator_hint, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->simulator_hint), TRUE);
}

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
  gtk_action_bar_set_revealed (self->selection_bar, is_list && self->n_selected > 0);
}

static void
update_state (VzDevicesPage *self)
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
          update_simulator_hint (self);
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
  gboolean writable = can_write (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.pair", writable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.delete", writable && self->n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.add-to-group", writable && self->n_selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "devices.retry", self->engine != NULL);
}

static void
update_selection (VzDevicesPage *self)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint n = (guint) gtk_bitset_get_size (selected);
  g_autofree char *text = NULL;

  if (n == self->n_selected)
    return;

  self->n_selected = n;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u screen selected", "%u screens selected", n), n);
  gtk_label_set_label (self->selection_label, text);
  update_actions (self);
  update_state (self);
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
      update_state (self);
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
      show_detail (self, FALSE);
      vz_device_detail_set_display (self->detail, NULL);
    }

  if (removed != added)
    update_state (self);
}

static void
on_engine_notify (VzDevicesPage *self)
{
  update_state (self);
}

static void
on_session_notify (VzDevicesPage *self)
{
  update_actions (self);
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
  self->search_ascii = self->search != NULL && is_ascii (self->search);
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
static void
show_detail (VzDevicesPage *self,
             gboolean       show)
{
  gtk_widget_set_visible (self->detail_separator, show);
  gtk_widget_set_visible (GTK_WIDGET (self->detail), show);
  adw_leaflet_set_visible_child_name (self->leaflet, show ? "detail" : "list");
}

static void
on_row_activated (VzDevicesPage *self,
                  guint          position)
{
  g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (display == NULL)
    return;

  vz_device_detail_set_display (self->detail, display);
  show_detail (self, TRUE);
}

/* ---- bulk actions ---- */

typedef enum {
  BULK_DELETE,
  BULK_ADD_TO_GROUP,
} BulkKind;

typedef struct {
  VzDevicesPage *self;
  BulkKind       kind;
  GPtrArray     *ids;       /* of char* */
  char          *group_id;
  char          *group_name;
} BulkOp;

static void
bulk_op_free (BulkOp *op)
{
  g_clear_object (&op->self);
  g_clear_pointer (&op->ids, g_ptr_array_unref);
  g_free (op->group_id);
  g_free (op->group_name);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BulkOp, bulk_op_free)

/*
 * A bulk action is one call however many screens it names: the engine makes
 * it one outbox batch (several requests past the endpoint's 100 ids) that
 * commits or rolls back as a whole, and one Undo. Its finish only says the
 * action is queued; the toast that says so, with Undo, comes from the
 * engine's "change-queued" through the window, and a refusal from
 * "change-failed". Only a change that could not even be queued is said here.
 */
static void
bulk_queued_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(BulkOp) op = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (op->kind == BULK_DELETE)
    ok = vz_sync_engine_delete_displays_finish (VZ_SYNC_ENGINE (source), result, &error);
  else
    ok = vz_sync_engine_add_displays_to_group_finish (VZ_SYNC_ENGINE (source), result, &error);

  if (!ok)
    vz_gui_toast_error (GTK_WIDGET (op->self), error);
}

static void
bulk_send (BulkOp *op)
{
  VzDevicesPage *self = op->self;
  g_autofree const char **ids = g_new0 (const char *, op->ids->len + 1);

  if (self->engine == NULL)
    {
      bulk_op_free (op);
      return;
    }

  for (guint i = 0; i < op->ids->len; i++)
    ids[i] = g_ptr_array_index (op->ids, i);

  if (op->kind == BULK_DELETE)
    vz_sync_engine_delete_displays_async (self->engine, ids, self->cancellable, bulk_queued_cb, op);
  else
    vz_sync_engine_add_displays_to_group_async (self->engine, ids, op->group_id,
                                                self->cancellable, bulk_queued_cb, op);
}

static GPtrArray *
collect_selected_ids (VzDevicesPage *self,
                      char         **first_name)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GtkBitsetIter iter;
  guint position;

  if (first_name != NULL)
    *first_name = NULL;

  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(VzDisplay) display = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      if (display == NULL)
        continue;
      if (first_name != NULL && *first_name == NULL)
        *first_name = g_strdup (vz_display_get_display_name (display));
      g_ptr_array_add (ids, g_strdup (vz_entity_get_id (VZ_ENTITY (display))));
    }

  return ids;
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    BulkOp           *op)
{
  BulkOp *owned;

  if (!g_str_equal (response, "delete"))
    return;

  /* The dialog keeps its copy for the signal's lifetime; the send owns this one. */
  owned = g_new0 (BulkOp, 1);
  owned->self = g_object_ref (op->self);
  owned->kind = BULK_DELETE;
  owned->ids = g_ptr_array_ref (op->ids);

  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (op->self->selection));
  bulk_send (owned);
}

static void
bulk_op_closure_free (gpointer  data,
                      GClosure *closure)
{
  bulk_op_free (data);
}

static void
devices_delete (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autofree char *first_name = NULL;
  g_autofree char *heading = NULL;
  BulkOp *op;
  AdwMessageDialog *dialog;

  op = g_new0 (BulkOp, 1);
  op->self = g_object_ref (self);
  op->kind = BULK_DELETE;
  op->ids = collect_selected_ids (self, &first_name);

  if (op->ids->len == 0)
    {
      bulk_op_free (op);
      return;
    }

  if (op->ids->len == 1)
    heading = g_strdup_printf (_("Delete “%s”?"), first_name);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u Screen?", "Delete %u Screens?", op->ids->len),
                               op->ids->len);

  dialog = vz_gui_confirm_dialog_new (widget, heading,
                                      g_dngettext (GETTEXT_PACKAGE,
                                                   "A deleted screen stops showing your content and has to be paired again to come back.",
                                                   "Deleted screens stop showing your content and have to be paired again to come back.",
                                                   op->ids->len),
                                      "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response),
                         op, bulk_op_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct {
  BulkOp      *op;
  AdwComboRow *combo;
  AdwEntryRow *name_row;
  GListModel  *groups;   /* live: groups may come and go while the dialog is up */
} GroupDialog;

static void
group_dialog_free (gpointer  data,
                   GClosure *closure)
{
  GroupDialog *gd = data;

  bulk_op_free (gd->op);
  g_clear_object (&gd->groups);
  g_free (gd);
}

static gboolean
group_dialog_wants_new (GroupDialog *gd)
{
  return adw_combo_row_get_selected (gd->combo) >= g_list_model_get_n_items (gd->groups);
}

static void
group_dialog_update (AdwMessageDialog *dialog,
                     GroupDialog      *gd)
{
  gboolean wants_new = group_dialog_wants_new (gd);
  g_autofree char *name = vz_gui_editable_dup_stripped (GTK_EDITABLE (gd->name_row));

  gtk_widget_set_visible (GTK_WIDGET (gd->name_row), wants_new);
  adw_message_dialog_set_response_enabled (dialog, "add", !wants_new || *name != '\0');
}

static void
on_group_dialog_changed (GtkWidget *widget,
                         gpointer   data)
{
  GtkWidget *dialog = gtk_widget_get_ancestor (widget, ADW_TYPE_MESSAGE_DIALOG);

  if (dialog != NULL)
    group_dialog_update (ADW_MESSAGE_DIALOG (dialog), data);
}

static void
on_group_dialog_selected (GtkWidget  *widget,
                          GParamSpec *pspec,
                          gpointer    data)
{
  on_group_dialog_changed (widget, data);
}

static void
group_created_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(BulkOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VzDisplayGroup) group = NULL;

  group = vz_sync_engine_create_group_finish (VZ_SYNC_ENGINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (group == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The group “%s” could not be created: %s"),
                                               op->group_name, error->message);
      vz_gui_toast (GTK_WIDGET (op->self), text);
      return;
    }

  op->group_id = g_strdup (vz_entity_get_id (VZ_ENTITY (group)));
  bulk_send (g_steal_pointer (&op));
}

static void
on_group_response (AdwMessageDialog *dialog,
                   const char       *response,
                   GroupDialog      *gd)
{
  VzDevicesPage *self = gd->op->self;
  BulkOp *owned;

  if (!g_str_equal (response, "add"))
    return;

  owned = g_new0 (BulkOp, 1);
  owned->self = g_object_ref (self);
  owned->kind = BULK_ADD_TO_GROUP;
  owned->ids = g_ptr_array_ref (gd->op->ids);

  if (group_dialog_wants_new (gd))
    {
      owned->group_name = vz_gui_editable_dup_stripped (GTK_EDITABLE (gd->name_row));
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      vz_sync_engine_create_group_async (self->engine, owned->group_name, self->cancellable,
                                         group_created_cb, owned);
    }
  else
    {
      g_autoptr(VzDisplayGroup) group = g_list_model_get_item (G_LIST_MODEL (vz_sync_engine_get_groups (self->engine)),
                                                               adw_combo_row_get_selected (gd->combo));
      if (group == NULL)
        {
          bulk_op_free (owned);
          return;
        }
      owned->group_id = g_strdup (vz_entity_get_id (VZ_ENTITY (group)));
      owned->group_name = g_strdup (vz_display_group_get_name (group));
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      bulk_send (owned);
    }
}

static void
devices_add_to_group (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);
  g_autofree char *heading = NULL;
  GListModel *groups;
  GListModel *choices;
  GtkWidget *list;
  GroupDialog *gd;
  AdwMessageDialog *dialog;

  if (self->engine == NULL)
    return;

  gd = g_new0 (GroupDialog, 1);
  gd->op = g_new0 (BulkOp, 1);
  gd->op->self = g_object_ref (self);
  gd->op->kind = BULK_ADD_TO_GROUP;
  gd->op->ids = collect_selected_ids (self, NULL);
  if (gd->op->ids->len == 0)
    {
      group_dialog_free (gd, NULL);
      return;
    }

  /* The groups as they are now, then a way to make a new one. */
  groups = G_LIST_MODEL (vz_sync_engine_get_groups (self->engine));
  gd->groups = g_object_ref (groups);
  choices = vz_gui_group_choices_new (groups, _("New Group…"), FALSE);

  gd->combo = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (gd->combo), _("Group"));
  vz_gui_group_row_show_names (gd->combo);
  adw_combo_row_set_model (gd->combo, choices);
  g_object_unref (choices);

  gd->name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (gd->name_row), _("New Group Name"));
  adw_entry_row_set_activates_default (gd->name_row, TRUE);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (gd->combo));
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (gd->name_row));

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Add %u Screen to a Group", "Add %u Screens to a Group",
                                          gd->op->ids->len),
                             gd->op->ids->len);
  dialog = vz_gui_confirm_dialog_new (widget, heading,
                                      _("Groups let you send content and commands to many screens at once."),
                                      "add", _("_Add"), ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_extra_child (dialog, list);

  g_signal_connect (gd->combo, "notify::selected", G_CALLBACK (on_group_dialog_selected), gd);
  g_signal_connect (gd->name_row, "changed", G_CALLBACK (on_group_dialog_changed), gd);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_group_response), gd, group_dialog_free, 0);
  group_dialog_update (dialog, gd);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
devices_pair (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vz_devices_page_pair (VZ_DEVICES_PAGE (widget));
}

static void
devices_retry (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  if (self->engine == NULL)
    return;

  vz_sync_engine_refresh (self->engine);
  update_state (self);
}

static void
devices_close_detail (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (widget);

  show_detail (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
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

/* ---- GObject ---- */

static void
vz_devices_page_dispose (GObject *object)
{
  VzDevicesPage *self = VZ_DEVICES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->engine != NULL)
    vz_devices_page_set_sync_engine (self, NULL);

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

  g_clear_object (&self->selection);
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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VZ_TYPE_DEVICE_DETAIL);

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
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, selection_bar);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, selection_label);
  gtk_widget_class_bind_template_child (widget_class, VzDevicesPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_status_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "devices.pair", NULL, devices_pair);
  gtk_widget_class_install_action (widget_class, "devices.delete", NULL, devices_delete);
  gtk_widget_class_install_action (widget_class, "devices.add-to-group", NULL, devices_add_to_group);
  gtk_widget_class_install_action (widget_class, "devices.retry", NULL, devices_retry);
  gtk_widget_class_install_action (widget_class, "devices.close-detail", NULL, devices_close_detail);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "devices.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "devices.close-detail", NULL);
}

static void
vz_devices_page_init (VzDevicesPage *self)
{
  GtkSorter *sorter;

  self->cancellable = g_cancellable_new ();
  self->status_filter = VZ_DISPLAY_STATUS_UNKNOWN;
  self->clock = g_get_real_time ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_add_css_class (GTK_WIDGET (self->detail), "background");

  build_columns (self);

  /*
   * store → sort → filter → selection. Sorting sits under the filter so that
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
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->filter_model)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  update_actions (self);
  update_state (self);
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

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->engine, self);
      g_signal_handlers_disconnect_by_data (vz_sync_engine_get_session (self->engine), self);
      g_signal_handlers_disconnect_by_data (vz_sync_engine_get_displays (self->engine), self);
    }

  g_set_object (&self->engine, engine);

  if (engine != NULL)
    {
      g_signal_connect_object (engine, "notify::loading", G_CALLBACK (on_engine_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::loaded", G_CALLBACK (on_engine_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "notify::last-error", G_CALLBACK (on_engine_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (engine, "realtime-event", G_CALLBACK (on_realtime_event), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (vz_sync_engine_get_session (engine), "notify::role",
                               G_CALLBACK (on_session_notify), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (vz_sync_engine_get_displays (engine), "items-changed",
                               G_CALLBACK (on_store_items_changed), self, G_CONNECT_SWAPPED);
    }

  if (self->detail != NULL)
    {
      show_detail (self, FALSE);
      vz_device_detail_set_display (self->detail, NULL);
      vz_device_detail_set_sync_engine (self->detail, engine);
    }

  if (self->sort_model != NULL)
    gtk_sort_list_model_set_model (self->sort_model,
                                   engine != NULL ? G_LIST_MODEL (vz_sync_engine_get_displays (engine)) : NULL);

  if (self->state_stack != NULL)
    {
      update_actions (self);
      update_state (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
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

  if (gtk_widget_get_sensitive (self->toolbar))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_paired (VzDevicesPage *self,
           VzDisplay     *display)
{
  g_autofree char *text = g_strdup_printf (_("“%s” is paired"), vz_display_get_display_name (display));

  vz_gui_toast (GTK_WIDGET (self), text);
}

void
vz_devices_page_pair (VzDevicesPage *self)
{
  VzPairDialog *dialog;
  GtkRoot *root;

  g_return_if_fail (VZ_IS_DEVICES_PAGE (self));

  if (!can_write (self))
    return;

  dialog = vz_pair_dialog_new (self->engine);
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "paired", G_CALLBACK (on_paired), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
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
