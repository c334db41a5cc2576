/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-date-row"

#include "vz-date-row.h"
#include "vz-gui.h"
#include "vz-schedule.h"

struct _VzDateRow
{
  AdwActionRow    parent_instance;

  char           *date;        /* "YYYY-MM-DD", NULL: none */
  char           *none_label;
  gboolean        syncing;     /* the calendar is being set from the date */

  /* template children */
  GtkMenuButton  *button;
  GtkPopover     *popover;
  GtkCalendar    *calendar;
  GtkCheckButton *none_check;
};

G_DEFINE_FINAL_TYPE (VzDateRow, vz_date_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_DATE,
  PROP_NONE_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* @date as a local midnight, or NULL when it is not a day. */
static GDateTime *
date_time_of (const char *date)
{
  gint32 day;
  g_autoptr(GDateTime) utc = NULL;

  if (date == NULL || !vz_schedule_parse_day (date, &day))
    return NULL;
  utc = g_date_time_new_from_unix_utc ((gint64) day * 86400);
  return g_date_time_new_local (g_date_time_get_year (utc), g_date_time_get_month (utc),
                                g_date_time_get_day_of_month (utc), 0, 0, 0);
}

/* The button's words and the popover's state, from the date. */
static void
show_date (VzDateRow *self)
{
  g_autoptr(GDateTime) when = date_time_of (self->date);

  g_assert (VZ_IS_DATE_ROW (self));

  self->syncing = TRUE;
  if (when != NULL)
    {
      /* The locale's own way of writing a day. */
      g_autofree char *text = g_date_time_format (when, "%x");

      gtk_menu_button_set_label (self->button, text);
      gtk_calendar_select_day (self->calendar, when);
    }
  else
    gtk_menu_button_set_label (self->button, self->none_label != NULL ? self->none_label : "");
  gtk_check_button_set_active (self->none_check, when == NULL && self->none_label != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->calendar), when != NULL || self->none_label == NULL);
  self->syncing = FALSE;
}

/* Takes @date (already checked) and says so. */
static void
take_date (VzDateRow  *self,
           const char *date)
{
  g_assert (VZ_IS_DATE_ROW (self));

  if (g_strcmp0 (self->date, date) == 0)
    return;
  g_free (self->date);
  self->date = g_strdup (date);
  show_date (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

/* The calendar's selected day as "YYYY-MM-DD". */
static char *
calendar_date (VzDateRow *self)
{
  g_autoptr(GDateTime) selected = gtk_calendar_get_date (self->calendar);

  g_assert (VZ_IS_DATE_ROW (self));

  return g_date_time_format (selected, "%Y-%m-%d");
}

static void
on_day_selected (VzDateRow *self)
{
  g_autofree char *date = NULL;

  g_assert (VZ_IS_DATE_ROW (self));

  if (self->syncing)
    return;
  date = calendar_date (self);
  take_date (self, date);
}

static void
on_none_toggled (VzDateRow *self)
{
  g_assert (VZ_IS_DATE_ROW (self));

  if (self->syncing)
    return;
  if (gtk_check_button_get_active (self->none_check))
    take_date (self, NULL);
  else
    {
      /* Back to a day: the one the calendar shows. */
      g_autofree char *date = calendar_date (self);

      take_date (self, date);
      gtk_widget_grab_focus (GTK_WIDGET (self->calendar));
    }
}

/* The keys move the chosen day itself (GtkCalendar's own arrows move a
 * focus that Space then selects): arrows a day or a week, Page Up and
 * Page Down a month; Enter or Space closes the popover with it. */
static gboolean
on_calendar_key (VzDateRow       *self,
                 guint            keyval,
                 guint            keycode,
                 GdkModifierType  state)
{
  g_autoptr(GDateTime) shown = NULL;
  g_autoptr(GDateTime) moved = NULL;
  g_autofree char *date = NULL;

  g_assert (VZ_IS_DATE_ROW (self));

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  shown = gtk_calendar_get_date (self->calendar);
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      moved = g_date_time_add_days (shown, -1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      moved = g_date_time_add_days (shown, 1);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      moved = g_date_time_add_days (shown, -7);
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      moved = g_date_time_add_days (shown, 7);
      break;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      moved = g_date_time_add_months (shown, -1);
      break;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      moved = g_date_time_add_months (shown, 1);
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      gtk_popover_popdown (self->popover);
      return TRUE;
    default:
      return FALSE;
    }
  date = g_date_time_format (moved, "%Y-%m-%d");
  take_date (self, date);
  return TRUE;
}

/* The calendar opens on the day held (or today), and has the focus. */
static void
on_popover_show (VzDateRow *self)
{
  g_assert (VZ_IS_DATE_ROW (self));

  show_date (self);
  if (self->date == NULL)
    {
      g_autoptr(GDateTime) today = g_date_time_new_now_local ();

      self->syncing = TRUE;
      gtk_calendar_select_day (self->calendar, today);
      self->syncing = FALSE;
    }
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->calendar)))
    gtk_widget_grab_focus (GTK_WIDGET (self->calendar));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->none_check));
}

static void
vz_date_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  VzDateRow *self = VZ_DATE_ROW (object);

  switch (prop_id)
    {
    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;
    case PROP_NONE_LABEL:
      g_value_set_string (value, self->none_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_date_row_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  VzDateRow *self = VZ_DATE_ROW (object);

  switch (prop_id)
    {
    case PROP_DATE:
      vz_date_row_set_date (self, g_value_get_string (value));
      break;
    case PROP_NONE_LABEL:
      vz_date_row_set_none_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_date_row_dispose (GObject *object)
{
  VzDateRow *self = VZ_DATE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VZ_TYPE_DATE_ROW);

  G_OBJECT_CLASS (vz_date_row_parent_class)->dispose (object);
}

static void
vz_date_row_finalize (GObject *object)
{
  VzDateRow *self = VZ_DATE_ROW (object);

  g_free (self->date);
  g_free (self->none_label);

  G_OBJECT_CLASS (vz_date_row_parent_class)->finalize (object);
}

static void
vz_date_row_class_init (VzDateRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = vz_date_row_get_property;
  object_class->set_property = vz_date_row_set_property;
  object_class->dispose = vz_date_row_dispose;
  object_class->finalize = vz_date_row_finalize;

  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NONE_LABEL] =
    g_param_spec_string ("none-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-date-row.ui");
  gtk_widget_class_bind_template_child (widget_class, VzDateRow, button);
  gtk_widget_class_bind_template_child (widget_class, VzDateRow, popover);
  gtk_widget_class_bind_template_child (widget_class, VzDateRow, calendar);
  gtk_widget_class_bind_template_child (widget_class, VzDateRow, none_check);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_none_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_key);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show);
}

static void
vz_date_row_init (VzDateRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vz_gui_calendar_arrows (self->calendar);
  vz_gui_popover_gives_back_focus (self->button);
  show_date (self);
}

GtkWidget *
vz_date_row_new (void)
{
  return g_object_new (VZ_TYPE_DATE_ROW, NULL);
}

const char *
vz_date_row_get_date (VzDateRow *self)
{
  g_return_val_if_fail (VZ_IS_DATE_ROW (self), NULL);
  return self->date;
}

void
vz_date_row_set_date (VzDateRow  *self,
                      const char *date)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *normal = NULL;

  g_return_if_fail (VZ_IS_DATE_ROW (self));

  if (date != NULL)
    {
      when = date_time_of (date);
      g_return_if_fail (when != NULL);
      normal = g_date_time_format (when, "%Y-%m-%d");
    }
  take_date (self, normal);
}

const char *
vz_date_row_get_none_label (VzDateRow *self)
{
  g_return_val_if_fail (VZ_IS_DATE_ROW (self), NULL);
  return self->none_label;
}

void
vz_date_row_set_none_label (VzDateRow  *self,
                            const char *label)
{
  g_return_if_fail (VZ_IS_DATE_ROW (self));

  if (g_strcmp0 (self->none_label, label) == 0)
    return;
  g_free (self->none_label);
  self->none_label = g_strdup (label);
  gtk_check_button_set_label (self->none_check, label);
  gtk_widget_set_visible (GTK_WIDGET (self->none_check), label != NULL);
  show_date (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NONE_LABEL]);
}

GtkMenuButton *
vz_date_row_get_button (VzDateRow *self)
{
  g_return_val_if_fail (VZ_IS_DATE_ROW (self), NULL);
  return self->button;
}

GtkCalendar *
vz_date_row_get_calendar (VzDateRow *self)
{
  g_return_val_if_fail (VZ_IS_DATE_ROW (self), NULL);
  return self->calendar;
}

GtkCheckButton *
vz_date_row_get_none_check (VzDateRow *self)
{
  g_return_val_if_fail (VZ_IS_DATE_ROW (self), NULL);
  return self->none_check;
}
