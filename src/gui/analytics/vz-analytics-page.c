/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-analytics-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "vz-analytics.h"
#include "vz-analytics-page.h"
#include "vz-chart.h"
#include "vz-gui.h"
#include "vz-proof-entry.h"

#define PLAYS_PER_PAGE 100
#define TOP_CONTENT 10

struct _VzAnalyticsPage
{
  GtkWidget     parent_instance;

  VzSyncEngine *engine;
  GCancellable *cancellable;     /* the reports being read */
  GListStore   *plays;           /* VzProofEntry */
  guint         page;
  guint         pages;
  GDate         from;
  GDate         to;

  GtkDropDown  *range_dropdown;
  GtkLabel     *status_label;
  GtkFlowBox   *figures_box;
  GtkLabel     *screens_figure;
  GtkLabel     *uptime_figure;
  GtkLabel     *impressions_figure;
  GtkLabel     *content_figure;
  GtkLabel     *playlists_figure;
  VzChart      *availability_chart;
  GtkListBox   *content_list;
  GtkEntry     *from_entry;
  GtkEntry     *to_entry;
  GtkColumnView *proof_view;
  GtkLabel     *page_label;
};

G_DEFINE_FINAL_TYPE (VzAnalyticsPage, vz_analytics_page, GTK_TYPE_WIDGET)

static const char * const ranges[] = { "week", "month", "year" };

static VzSession *
session (VzAnalyticsPage *self)
{
  return self->engine != NULL ? vz_sync_engine_get_session (self->engine) : NULL;
}

static double
number (JsonObject *obj,
        const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return NAN;
}

static char *
format_count (double value)
{
  if (isnan (value))
    return g_strdup (_("Unknown"));
  return g_strdup_printf ("%'.0f", value);
}

static void
show_problem (VzAnalyticsPage *self,
              const GError    *error)
{
  g_assert (VZ_IS_ANALYTICS_PAGE (self));

  gtk_label_set_label (self->status_label,
                       g_error_matches (error, VZ_API_ERROR, VZ_API_ERROR_NOT_FOUND)
                       ? _("This server keeps no analytics.") : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

/* ---- the summary, availability and top content ---- */

static void
summary_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VzAnalyticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_analytics_read_finish (result, &error);
  JsonObject *obj;
  g_autofree char *screens = NULL;
  g_autofree char *uptime = NULL;
  g_autofree char *impressions = NULL;
  g_autofree char *content = NULL;
  g_autofree char *playlists = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      if (error != NULL)
        show_problem (self, error);
      return;
    }
  obj = json_node_get_object (payload);
  /* Translators: "3 of 5" screens online */
  screens = g_strdup_printf (_("%'.0f of %'.0f"), number (obj, "onlineDevices"), number (obj, "totalDevices"));
  uptime = isnan (number (obj, "uptimePercent")) ? g_strdup (_("Unknown"))
                                                 /* Translators: a percentage, e.g. "42 %" */
                                                 : g_strdup_printf (_("%.0f %%"), number (obj, "uptimePercent"));
  impressions = format_count (number (obj, "totalImpressions"));
  content = format_count (number (obj, "totalContent"));
  /* Translators: "2 of 4" playlists active */
  playlists = g_strdup_printf (_("%'.0f of %'.0f"), number (obj, "activePlaylists"), number (obj, "totalPlaylists"));
  gtk_label_set_label (self->screens_figure, screens);
  gtk_label_set_label (self->uptime_figure, uptime);
  gtk_label_set_label (self->impressions_figure, impressions);
  gtk_label_set_label (self->content_figure, content);
  gtk_label_set_label (self->playlists_figure, playlists);
}

static void
availability_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(VzAnalyticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_analytics_read_finish (result, &error);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (VzChartPoint));
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  JsonArray *days;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || payload == NULL ||
      !JSON_NODE_HOLDS_ARRAY (payload))
    return;
  days = json_node_get_array (payload);
  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonNode *node = json_array_get_element (days, i);
      JsonObject *day = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *date = day != NULL ? json_object_get_member (day, "date") : NULL;
      g_autofree char *iso = NULL;
      g_autoptr(GDateTime) when = NULL;
      VzChartPoint point;

      if (date == NULL || json_node_get_value_type (date) != G_TYPE_STRING)
        continue;
      /* "2026-12-03" or a whole date and time. */
      iso = strlen (json_node_get_string (date)) == 10 ? g_strconcat (json_node_get_string (date), "T00:00:00Z", NULL)
                                                       : g_strdup (json_node_get_string (date));
      when = g_date_time_new_from_iso8601 (iso, utc);
      if (when == NULL)
        continue;
      point.time = g_date_time_to_unix (when) * G_USEC_PER_SEC;
      point.value = number (day, "availabilityEstimate");
      g_array_append_val (points, point);
    }
  vz_chart_set_points (self->availability_chart, (VzChartPoint *) (void *) points->data, points->len);
}

static void
top_content_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VzAnalyticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_analytics_read_finish (result, &error);
  JsonArray *items;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || payload == NULL ||
      !JSON_NODE_HOLDS_ARRAY (payload))
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content_list))) != NULL &&
         GTK_IS_LIST_BOX_ROW (child))
    gtk_list_box_remove (self->content_list, child);
  items = json_node_get_array (payload);
  for (guint i = 0; i < json_array_get_length (items) && i < TOP_CONTENT; i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *title = item != NULL ? json_object_get_member (item, "title") : NULL;
      double impressions = number (item, "impressions");
      double completion = number (item, "averageCompletion");
      g_autofree char *plays = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (item == NULL)
        continue;
      plays = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'.0f impression", "%'.0f impressions",
                                            isnan (impressions) ? 0 : (gulong) impressions),
                               isnan (impressions) ? 0 : impressions);
      if (isnan (completion))
        subtitle = g_steal_pointer (&plays);
      else
        /* Translators: "12 impressions · 95 % completed on average" */
        subtitle = g_strdup_printf (_("%s · %.0f %% completed on average"), plays, completion);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     title != NULL && json_node_get_value_type (title) == G_TYPE_STRING
                                     ? json_node_get_string (title) : _("Unknown"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->content_list, row);
    }
}

/* ---- proof of play ---- */

static void
show_page_label (VzAnalyticsPage *self,
                 guint            total)
{
  g_autofree char *plays = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u play", "%'u plays", total), total);
  /* Translators: "Page 1 of 3 · 250 plays" */
  g_autofree char *text = g_strdup_printf (_("Page %'u of %'u · %s"), self->page, MAX (self->pages, 1), plays);

  gtk_label_set_label (self->page_label, text);
}

static void
plays_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VzAnalyticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = vz_analytics_proof_of_play_finish (result, &error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *obj, *meta;
  JsonNode *data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      if (error != NULL)
        vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }
  obj = json_node_get_object (payload);
  data = json_object_get_member (obj, "data");
  meta = json_object_has_member (obj, "meta") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "meta"))
         ? json_object_get_object_member (obj, "meta") : NULL;
  for (guint i = 0; data != NULL && JSON_NODE_HOLDS_ARRAY (data) && i < json_array_get_length (json_node_get_array (data)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (data), i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (entries, vz_proof_entry_new_from_json (json_node_get_object (node)));
    }
  g_list_store_splice (self->plays, 0, g_list_model_get_n_items (G_LIST_MODEL (self->plays)), entries->pdata,
                       entries->len);
  self->pages = isnan (number (meta, "totalPages")) ? 1 : (guint) number (meta, "totalPages");
  show_page_label (self, isnan (number (meta, "total")) ? entries->len : (guint) number (meta, "total"));
}

static void
read_plays (VzAnalyticsPage *self)
{
  g_assert (VZ_IS_ANALYTICS_PAGE (self));

  if (session (self) == NULL)
    return;
  vz_analytics_proof_of_play_async (session (self), &self->from, &self->to, self->page, PLAYS_PER_PAGE,
                                    self->cancellable, plays_cb, g_object_ref (self));
}

static gboolean
parse_day (GtkEntry *entry,
           GDate    *out)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  int year, month, day;

  if (sscanf (text, "%d-%d-%d", &year, &month, &day) != 3 || !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (out, day, month, year);
  return TRUE;
}

static void
show_days (VzAnalyticsPage *self)
{
  char text[16];

  g_date_strftime (text, sizeof text, "%Y-%m-%d", &self->from);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), text);
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &self->to);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), text);
}

/* The days typed, or a sentence why they cannot be used. */
static gboolean
take_days (VzAnalyticsPage *self)
{
  GDate from, to;

  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  if (!parse_day (self->from_entry, &from) || !parse_day (self->to_entry, &to))
    {
      vz_gui_toast (GTK_WIDGET (self), _("Type the days as year-month-day, for example 2026-12-03."));
      return FALSE;
    }
  if (g_date_compare (&from, &to) > 0)
    {
      vz_gui_toast (GTK_WIDGET (self), _("The first day comes after the last day."));
      return FALSE;
    }
  self->from = from;
  self->to = to;
  return TRUE;
}

static void
analytics_show_plays (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzAnalyticsPage *self = VZ_ANALYTICS_PAGE (widget);

  if (!take_days (self))
    return;
  self->page = 1;
  read_plays (self);
}

static void
on_dates_activate (VzAnalyticsPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "analytics.show-plays", NULL);
}

static void
analytics_previous_page (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  VzAnalyticsPage *self = VZ_ANALYTICS_PAGE (widget);

  if (self->page <= 1)
    return;
  self->page--;
  read_plays (self);
}

static void
analytics_next_page (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VzAnalyticsPage *self = VZ_ANALYTICS_PAGE (widget);

  if (self->page >= self->pages)
    return;
  self->page++;
  read_plays (self);
}

/* ---- CSV export ---- */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VzAnalyticsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      vz_gui_toast_error (GTK_WIDGET (self), error);
      return;
    }
  name = g_file_get_basename (G_FILE (source));
  /* Translators: a toast after the export, "Saved proof-of-play.csv" */
  text = g_strdup_printf (_("Saved %s"), name);
  vz_gui_toast (GTK_WIDGET (self), text);
}

static void
csv_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  VzAnalyticsPage *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = vz_analytics_proof_csv_finish (result, &error);

  if (bytes == NULL)
    {
      g_debug ("The proof-of-play CSV could not be read: %s", error->message);
      vz_gui_toast_error (GTK_WIDGET (self), error);
    }
  else
    g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                         saved_cb, g_object_ref (self));
  g_object_unref (task);
}

void
vz_analytics_page_export_to (VzAnalyticsPage *self,
                             GFile           *file)
{
  GTask *task;

  g_return_if_fail (VZ_IS_ANALYTICS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (session (self) == NULL)
    return;
  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, vz_analytics_page_export_to);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  vz_analytics_proof_csv_async (session (self), &self->from, &self->to, NULL, csv_cb, task);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     VzAnalyticsPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_debug ("Export to %s (response %d)", file != NULL ? g_file_peek_path (file) : "nowhere", response);
  if (file != NULL)
    vz_analytics_page_export_to (self, file);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
analytics_export_csv (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VzAnalyticsPage *self = VZ_ANALYTICS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  char from[16], to[16];
  g_autofree char *name = NULL;

  if (!take_days (self))
    return;
  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  /* Translators: the file name offered for the export; keep the .csv */
  name = g_strdup_printf (_("proof-of-play-%s-to-%s.csv"), from, to);
  chooser = gtk_file_chooser_native_new (_("Export Proof of Play"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- reading it all ---- */

static void
reload (VzAnalyticsPage *self)
{
  const char *range = ranges[MIN (gtk_drop_down_get_selected (self->range_dropdown), G_N_ELEMENTS (ranges) - 1)];

  g_assert (VZ_IS_ANALYTICS_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  if (session (self) == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  vz_analytics_read_async (session (self), VZ_ANALYTICS_SUMMARY, range, self->cancellable, summary_cb,
                           g_object_ref (self));
  vz_analytics_read_async (session (self), VZ_ANALYTICS_DEVICE_METRICS, range, self->cancellable,
                           availability_cb, g_object_ref (self));
  vz_analytics_read_async (session (self), VZ_ANALYTICS_CONTENT_PERFORMANCE, range, self->cancellable,
                           top_content_cb, g_object_ref (self));
  read_plays (self);
}

static void
on_range_selected (VzAnalyticsPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
}

static void
analytics_reload (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  reload (VZ_ANALYTICS_PAGE (widget));
}

static void
vz_analytics_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vz_analytics_page_parent_class)->map (widget);

  /* Reports of the past: read each time the page shows. */
  reload (VZ_ANALYTICS_PAGE (widget));
}

static void
vz_analytics_page_dispose (GObject *object)
{
  VzAnalyticsPage *self = VZ_ANALYTICS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->engine);
  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_ANALYTICS_PAGE);
  /* The scrolled window the template puts everything in has no name. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->plays);

  G_OBJECT_CLASS (vz_analytics_page_parent_class)->dispose (object);
}

static void
vz_analytics_page_class_init (VzAnalyticsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();
  g_type_ensure (VZ_TYPE_CHART);
  g_type_ensure (VZ_TYPE_PROOF_ENTRY);

  object_class->dispose = vz_analytics_page_dispose;
  widget_class->map = vz_analytics_page_map;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-analytics-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, figures_box);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, screens_figure);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, uptime_figure);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, impressions_figure);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, content_figure);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, playlists_figure);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, availability_chart);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, content_list);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, proof_view);
  gtk_widget_class_bind_template_child (widget_class, VzAnalyticsPage, page_label);
  gtk_widget_class_bind_template_callback (widget_class, on_range_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_dates_activate);

  gtk_widget_class_install_action (widget_class, "analytics.show-plays", NULL, analytics_show_plays);
  gtk_widget_class_install_action (widget_class, "analytics.previous-page", NULL, analytics_previous_page);
  gtk_widget_class_install_action (widget_class, "analytics.next-page", NULL, analytics_next_page);
  gtk_widget_class_install_action (widget_class, "analytics.export-csv", NULL, analytics_export_csv);
  gtk_widget_class_install_action (widget_class, "analytics.reload", NULL, analytics_reload);
}

static void
vz_analytics_page_init (VzAnalyticsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_list_one_tab_stop (GTK_WIDGET (self->figures_box));

  self->plays = g_list_store_new (VZ_TYPE_PROOF_ENTRY);
  gtk_column_view_set_model (self->proof_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->plays)))));
  self->page = 1;
  self->pages = 1;
  /* The last seven days, today included. */
  g_date_clear (&self->to, 1);
  g_date_set_dmy (&self->to, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  self->from = self->to;
  g_date_subtract_days (&self->from, 6);
  show_days (self);
}

GtkWidget *
vz_analytics_page_new (void)
{
  return g_object_new (VZ_TYPE_ANALYTICS_PAGE, NULL);
}

void
vz_analytics_page_set_sync_engine (VzAnalyticsPage *self,
                                   VzSyncEngine    *engine)
{
  g_return_if_fail (VZ_IS_ANALYTICS_PAGE (self));
  g_return_if_fail (engine == NULL || VZ_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  if (engine == NULL)
    g_cancellable_cancel (self->cancellable);
  else if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
}

GListModel *
vz_analytics_page_get_plays (VzAnalyticsPage *self)
{
  g_return_val_if_fail (VZ_IS_ANALYTICS_PAGE (self), NULL);
  return G_LIST_MODEL (self->plays);
}
