/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-devices-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "vz-gui.h"
#include "vz-playlist-resource.h"
#include "vz-devices-page-private.h"

/* ---- expression closures (this = the GtkListItem, or the item for sorters) ---- */

/* While the server cannot be reached a status is what was last known,
 * and the row says so in words, not only by colour. */
static char *
status_label_closure (gpointer        this_,
                      VzDisplayStatus status,
                      gboolean        live,
                      gpointer        user_data)
{
  if (live)
    return g_strdup (vz_display_status_to_label (status));
  /* Translators: a screen's status while the server cannot be reached, "Online · last known" */
  return g_strdup_printf (_("%s · last known"), vz_display_status_to_label (status));
}

/* What a screen reader says for the row: the screen's name and status. */
static char *
row_label_closure (gpointer        this_,
                   const char     *name,
                   VzDisplayStatus status,
                   gboolean        live,
                   gpointer        user_data)
{
  g_autofree char *status_label = status_label_closure (this_, status, live, NULL);

  /* Translators: a row of the list of screens as a screen reader names it, "Lobby, Online" */
  return g_strdup_printf (_("%s, %s"), name != NULL ? name : "", status_label);
}

/* The status cell's classes: its colour dot is drawn by the theme
 * (style.css), so that a row holds one widget less for it. */
static GStrv
status_classes_closure (gpointer        this_,
                        VzDisplayStatus status,
                        gpointer        user_data)
{
  GStrv classes = g_new0 (char *, 3);

  classes[0] = g_strdup ("vz-cell-status");
  classes[1] = g_strdup (vz_gui_status_css_class (status));
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

/* The playlist's name; @stamp only makes the cell follow renames. */
static char *
playlist_name_closure (gpointer      this_,
                       const char   *playlist_id,
                       guint         stamp,
                       VzSyncEngine *engine,
                       gpointer      user_data)
{
  VzPlaylist *playlist;

  if (playlist_id == NULL || *playlist_id == '\0')
    return g_strdup (_("No playlist"));
  playlist = engine != NULL ? vz_store_lookup (vz_sync_engine_get_playlists (engine), playlist_id) : NULL;
  return g_strdup (playlist != NULL ? vz_playlist_get_name (playlist) : _("Unknown playlist"));
}

/*
 * The server says when a screen's status changes, not at every heartbeat
 * (docs/last-seen.md): an online screen was seen "Now" for as long as the
 * page is live; while it is not, an online screen was last seen as of the
 * last contact with the server. Other screens were last seen at their last
 * heartbeat. @clock ticks, so the texts age while on screen.
 */
static char *
last_seen_closure (gpointer        this_,
                   GDateTime      *last_heartbeat,
                   VzDisplayStatus status,
                   gint64          clock,
                   gboolean        live,
                   gint64          last_contact,
                   gpointer        user_data)
{
  if (status == VZ_DISPLAY_STATUS_ONLINE && live)
    return g_strdup (_("Now"));
  if (status == VZ_DISPLAY_STATUS_ONLINE && last_contact > 0)
    {
      g_autoptr(GDateTime) contact = g_date_time_new_from_unix_utc (last_contact / G_USEC_PER_SEC);

      return vz_gui_format_relative_time (contact, clock);
    }
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

/* A run of digits compares by its value; other bytes one by one, in lower
 * case when @fold_ascii (the strings are casefolded already otherwise). */
static int
compare_naturally (const char *p,
                   const char *q,
                   gboolean    fold_ascii)
{
  while (*p != '\0' && *q != '\0')
    {
      char c, d;

      if (g_ascii_isdigit (*p) && g_ascii_isdigit (*q))
        {
          const char *p_end, *q_end;
          gsize p_len, q_len;
          int cmp;

          while (*p == '0' && g_ascii_isdigit (p[1]))
            p++;
          while (*q == '0' && g_ascii_isdigit (q[1]))
            q++;
          for (p_end = p; g_ascii_isdigit (*p_end); p_end++)
            ;
          for (q_end = q; g_ascii_isdigit (*q_end); q_end++)
            ;
          p_len = p_end - p;
          q_len = q_end - q;
          if (p_len != q_len)
            return p_len < q_len ? -1 : 1;
          cmp = strncmp (p, q, p_len);
          if (cmp != 0)
            return cmp < 0 ? -1 : 1;
          p = p_end;
          q = q_end;
          continue;
        }
      c = fold_ascii ? g_ascii_tolower (*p) : *p;
      d = fold_ascii ? g_ascii_tolower (*q) : *q;
      if (c != d)
        return (guchar) c < (guchar) d ? -1 : 1;
      p++;
      q++;
    }
  if (*p != *q)
    return *p == '\0' ? -1 : 1;
  return 0;
}

/* Names compare as people read them: without regard to case, and a run of
 * digits by its value, so "Lobby 9" comes before "Lobby 10". Names that
 * differ only in case or leading zeros still get a fixed order. Sorting
 * 10,000 names compares about 150,000 pairs: ASCII names (casefolding
 * them is lowering their letters) compare in place, without a copy. */
static int
compare_names_naturally (const char *a,
                         const char *b)
{
  int cmp;

  a = a != NULL ? a : "";
  b = b != NULL ? b : "";
  if (_vz_devices_page_is_ascii (a) && _vz_devices_page_is_ascii (b))
    cmp = compare_naturally (a, b, TRUE);
  else
    {
      g_autofree char *fa = g_utf8_casefold (a, -1);
      g_autofree char *fb = g_utf8_casefold (b, -1);

      cmp = compare_naturally (fa, fb, FALSE);
    }
  if (cmp != 0)
    return cmp;
  return CLAMP (strcmp (a, b), -1, 1);
}

static int
compare_display_names (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  return compare_names_naturally (vz_display_get_display_name (VZ_DISPLAY ((gpointer) a)),
                                  vz_display_get_display_name (VZ_DISPLAY ((gpointer) b)));
}

/* @primary, then the name: rows that tie keep one order across re-reads. */
static GtkSorter *
then_by_name (GtkSorter *primary)
{
  GtkMultiSorter *sorter = gtk_multi_sorter_new ();

  gtk_multi_sorter_append (sorter, primary);
  gtk_multi_sorter_append (sorter, GTK_SORTER (gtk_custom_sorter_new (compare_display_names, NULL, NULL)));
  return GTK_SORTER (sorter);
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

static GtkExpression *
page_property (VzDevicesPage *self,
               const char    *property)
{
  return gtk_property_expression_new (VZ_TYPE_DEVICES_PAGE, gtk_object_expression_new (G_OBJECT (self)), property);
}

static GtkExpression *
playlist_name_expression (VzDevicesPage *self,
                          GtkExpression *item_expression)
{
  GtkExpression *params[3] = {
    display_property (item_expression, "current-playlist-id"),
    page_property (self, "playlists-stamp"),
    page_property (self, "sync-engine"),
  };

  return gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 3, params, G_CALLBACK (playlist_name_closure), NULL, NULL);
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

/*
 * Cells whose text changes while the list is shown (status, last seen, and
 * the columns an edit or a re-read changes) are GtkInscriptions: their size
 * comes from a number of characters, not from their text, so a new text is
 * repainted without measuring the 200 rows a list keeps again. With 1,000
 * status changes a second a GtkLabel's queued resize reshaped every
 * changed text and re-laid the list out in every frame.
 */
static GtkWidget *
cell_text_new (const char *css_class,
               int         min_chars)
{
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (text), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (min_chars > 0)
    gtk_inscription_set_min_chars (GTK_INSCRIPTION (text), min_chars);
  gtk_widget_add_css_class (text, css_class);
  return text;
}

static void
label_cell_setup (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  LabelColumn              *column)
{
  GtkWidget *text = cell_text_new (column->css_class, column->width_chars);

  gtk_list_item_set_child (list_item, text);

  /* The watch lives as long as the cell; it follows the row's item and the
   * item's property, so a status change repaints only this cell. */
  gtk_expression_bind (gtk_expression_ref (column->text), text, "text", list_item);
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

/*
 * The row a screen reader focuses is the column view's, which has no API
 * in GTK 4.8: the status cell names it (the cell's parent) with the screen's
 * name and status whenever either changes or the row shows another screen.
 * GTK releases the watch with the list item.
 */
typedef struct {
  GtkListItem        *list_item;
  GtkExpressionWatch *watch;
} RowLabel;

static void
row_label_update (gpointer data)
{
  RowLabel *row_label = data;
  g_auto(GValue) value = G_VALUE_INIT;
  GtkWidget *child, *cell, *row;

  if (row_label->watch == NULL || !gtk_expression_watch_evaluate (row_label->watch, &value))
    return;
  child = gtk_list_item_get_child (row_label->list_item);
  cell = child != NULL ? gtk_widget_get_parent (child) : NULL;
  row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;
  if (row == NULL || gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (row)) != GTK_ACCESSIBLE_ROLE_ROW)
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, g_value_get_string (&value), -1);
}

static void
status_cell_setup (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   VzDevicesPage            *self)
{
  g_autoptr(GtkExpression) item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  g_autoptr(GtkExpression) row_expression = NULL;
  GtkExpression *params[3];
  RowLabel *row_label;
  GtkWidget *label = cell_text_new ("vz-cell-status", 0);

  gtk_widget_set_hexpand (label, TRUE);
  gtk_list_item_set_child (list_item, label);

  gtk_expression_bind (closure_of_property (G_TYPE_STRV, item, "status", G_CALLBACK (status_classes_closure)),
                       label, "css-classes", list_item);
  params[0] = display_property (item, "status");
  params[1] = page_property (self, "live");
  gtk_expression_bind (gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 2, params,
                                                    G_CALLBACK (status_label_closure), NULL, NULL),
                       label, "text", list_item);

  row_label = g_new0 (RowLabel, 1);
  row_label->list_item = list_item;
  params[0] = display_property (item, "display-name");
  params[1] = display_property (item, "status");
  params[2] = page_property (self, "live");
  row_expression = gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 3, params,
                                                G_CALLBACK (row_label_closure), NULL, NULL);
  row_label->watch = gtk_expression_watch (row_expression, list_item, row_label_update, row_label, g_free);
}

/*
 * The name, and beside it what the person's own changes to the screen are
 * doing: a pencil while a change waits to be saved, a warning while it
 * conflicts with a colleague's. Both follow the entity's "pending" and
 * "conflict" properties (set by the sync engine), so nothing polls. Few
 * screens ever have either: a cell makes its icon the first time it shows
 * it, not for each of the rows a list makes up front.
 */
typedef enum {
  NAME_MARK_NONE,
  NAME_MARK_PENDING,
  NAME_MARK_CONFLICT,
} NameMark;

/* A conflict is also pending; the warning says more, so it wins. */
static int
name_mark_closure (gpointer this_,
                   gboolean pending,
                   gboolean conflict,
                   gpointer user_data)
{
  if (conflict)
    return NAME_MARK_CONFLICT;
  return pending ? NAME_MARK_PENDING : NAME_MARK_NONE;
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  const char *text)
{
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* gtk_widget_set_tooltip_text() asks the display server where the pointer
 * is, a round trip for each of the hundreds of cells a list makes; the
 * tooltip's text is only needed when it is about to be shown. */
static void
set_tooltip_when_asked (GtkWidget  *widget,
                        const char *text)
{
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), (gpointer) text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

typedef struct {
  GtkListItem        *list_item;
  GtkExpressionWatch *watch;
} NameMarks;

/* The icon of @mark_class in the name cell's @box, if it was made. */
static GtkWidget *
name_mark_icon (GtkWidget  *box,
                const char *mark_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_has_css_class (child, mark_class))
      return child;
  return NULL;
}

static GtkWidget *
name_mark_icon_new (const char *icon_name,
                    const char *style_class,
                    const char *mark_class,
                    const char *tooltip)
{
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (icon, style_class);
  gtk_widget_add_css_class (icon, mark_class);
  set_tooltip_when_asked (icon, tooltip);
  return icon;
}

static void
name_marks_update (gpointer data)
{
  NameMarks *marks = data;
  g_auto(GValue) value = G_VALUE_INIT;
  GtkWidget *box = gtk_list_item_get_child (marks->list_item);
  GtkWidget *pending, *conflict;
  NameMark mark;

  if (box == NULL || marks->watch == NULL || !gtk_expression_watch_evaluate (marks->watch, &value))
    return;
  mark = g_value_get_int (&value);
  pending = name_mark_icon (box, "vz-pending-icon");
  conflict = name_mark_icon (box, "vz-conflict-icon");
  if (mark == NAME_MARK_PENDING && pending == NULL)
    {
      pending = name_mark_icon_new ("document-edit-symbolic", "dim-label", "vz-pending-icon",
                                    _("Waiting to be saved"));
      gtk_box_append (GTK_BOX (box), pending);
    }
  if (mark == NAME_MARK_CONFLICT && conflict == NULL)
    {
      conflict = name_mark_icon_new ("dialog-warning-symbolic", "warning", "vz-conflict-icon",
                                     _("Someone else changed this screen too. Choose which version to keep in the list of changes."));
      gtk_box_append (GTK_BOX (box), conflict);
    }
  if (pending != NULL)
    gtk_widget_set_visible (pending, mark == NAME_MARK_PENDING);
  if (conflict != NULL)
    gtk_widget_set_visible (conflict, mark == NAME_MARK_CONFLICT);
}

static void
name_cell_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  g_autoptr(GtkExpression) item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  g_autoptr(GtkExpression) mark = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);
  GtkExpression *params[2];
  NameMarks *marks;

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 16);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "vz-cell-name");

  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);

  gtk_expression_bind (closure_of_property (G_TYPE_STRING, item, "display-name", G_CALLBACK (text_or_empty_closure)),
                       label, "label", list_item);
  gtk_expression_bind (closure_of_property (G_TYPE_STRV, item, "pending", G_CALLBACK (name_classes_closure)),
                       label, "css-classes", list_item);

  /* The watch ends with the list item. */
  marks = g_new0 (NameMarks, 1);
  marks->list_item = list_item;
  params[0] = display_property (item, "pending");
  params[1] = display_property (item, "conflict");
  mark = gtk_cclosure_expression_new (G_TYPE_INT, NULL, 2, params, G_CALLBACK (name_mark_closure), NULL, NULL);
  marks->watch = gtk_expression_watch (mark, list_item, name_marks_update, marks, g_free);
  name_marks_update (marks);
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

void
_vz_devices_page_build_columns (VzDevicesPage *self)
{
  g_autoptr(GtkExpression) item = gtk_property_expression_new (GTK_TYPE_LIST_ITEM, NULL, "item");
  GtkListItemFactory *factory;
  GtkExpression *params[5];
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *location, *group, *playlist, *last_seen;

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (name_cell_setup), NULL);
  name_column = add_column (self, _("Name"),
                            factory,
                            GTK_SORTER (gtk_custom_sorter_new (compare_display_names, NULL, NULL)),
                            TRUE, 0);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (status_cell_setup), self);
  self->status_sorter =
    then_by_name (GTK_SORTER (gtk_numeric_sorter_new (closure_of_property (G_TYPE_INT, NULL, "status",
                                                                           G_CALLBACK (status_rank_closure)))));
  add_column (self, _("Status"), factory, g_object_ref (self->status_sorter), FALSE, 190);

  location = add_column (self, _("Location"),
                         label_factory_new (closure_of_property (G_TYPE_STRING, item, "location",
                                                                 G_CALLBACK (text_or_empty_closure)),
                                            "vz-cell-location", 10),
                         GTK_SORTER (gtk_string_sorter_new (display_property (NULL, "location"))),
                         TRUE, 150);

  group = add_column (self, _("Group"),
                      label_factory_new (closure_of_property (G_TYPE_STRING, item, "group-name",
                                                              G_CALLBACK (group_or_none_closure)),
                                         "vz-cell-group", -1),
                      GTK_SORTER (gtk_string_sorter_new (display_property (NULL, "group-name"))),
                      FALSE, 120);

  playlist = add_column (self, _("Playlist"),
                         label_factory_new (playlist_name_expression (self, item), "vz-cell-playlist", -1),
                         GTK_SORTER (gtk_string_sorter_new (playlist_name_expression (self, NULL))),
                         FALSE, 110);

  params[0] = display_property (item, "last-heartbeat");
  params[1] = display_property (item, "status");
  params[2] = page_property (self, "clock");
  params[3] = page_property (self, "live");
  params[4] = page_property (self, "last-contact");
  self->last_seen_sorter =
    then_by_name (GTK_SORTER (gtk_numeric_sorter_new (closure_of_property (G_TYPE_INT64, NULL, "last-heartbeat",
                                                                           G_CALLBACK (last_seen_sort_closure)))));
  last_seen = add_column (self, _("Last Seen"),
                          label_factory_new (gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 5, params,
                                                                          G_CALLBACK (last_seen_closure), NULL, NULL),
                                             "vz-cell-last-seen", -1),
                          g_object_ref (self->last_seen_sorter),
                          FALSE, 130);

  /* A narrow list drops these, the first first (vz-devices-page-adaptive.c). */
  self->optional_columns[0] = playlist;
  self->optional_columns[1] = location;
  self->optional_columns[2] = group;
  self->optional_columns[3] = last_seen;

  gtk_column_view_sort_by_column (self->column_view, name_column, GTK_SORT_ASCENDING);
}

