/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-popover-button"

#include "config.h"

#include "vz-gui.h"
#include "vz-popover-button.h"

/* The size of a symbolic icon on a button. */
#define ICON_SIZE 16

struct _VzPopoverButton
{
  GtkButton                  parent_instance;

  char                      *text;
  char                      *icon_name;
  int                        width_chars;
  GtkPopover                *popover;   /* made when first opened, or NULL */
  VzPopoverButtonCreateFunc  create_func;
  gpointer                   create_data;
};

G_DEFINE_FINAL_TYPE (VzPopoverButton, vz_popover_button, GTK_TYPE_BUTTON)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_ICON_NAME,
  PROP_WIDTH_CHARS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the popover ---- */

static void
on_popover_visible (VzPopoverButton *self)
{
  gboolean open = self->popover != NULL && gtk_widget_get_visible (GTK_WIDGET (self->popover));

  g_assert (VZ_IS_POPOVER_BUTTON (self));

  if (open)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_CHECKED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_CHECKED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED, open, -1);
}

/* Closed with the focus inside (Escape, or a choice made): the focus comes
 * back here, not to the top of the window. */
static void
on_popover_closed (VzPopoverButton *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  g_assert (VZ_IS_POPOVER_BUTTON (self));

  if (focus == NULL || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->popover)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static gboolean
ensure_popover (VzPopoverButton *self)
{
  g_assert (VZ_IS_POPOVER_BUTTON (self));

  if (self->popover != NULL)
    return TRUE;
  if (self->create_func == NULL)
    return FALSE;
  self->popover = self->create_func (self, self->create_data);
  g_return_val_if_fail (GTK_IS_POPOVER (self->popover), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
  g_signal_connect_object (self->popover, "notify::visible", G_CALLBACK (on_popover_visible), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->popover, "closed", G_CALLBACK (on_popover_closed), self, G_CONNECT_SWAPPED);
  return TRUE;
}

static void
vz_popover_button_clicked (GtkButton *button)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (button);

  if (self->popover != NULL && gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    vz_popover_button_popdown (self);
  else
    vz_popover_button_popup (self);
}

/* ---- drawing: the text or the icon, no child widgets ---- */

/* The font's height, and the width of @width_chars digits: the size of any
 * text of that many characters, whatever it says. */
static void
measure_chars (VzPopoverButton *self,
               int             *width,
               int             *height)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (self)), NULL, NULL);

  *width = PANGO_PIXELS_CEIL (pango_font_metrics_get_approximate_digit_width (metrics) * MAX (self->width_chars, 0));
  *height = PANGO_PIXELS_CEIL (pango_font_metrics_get_ascent (metrics) + pango_font_metrics_get_descent (metrics));
  pango_font_metrics_unref (metrics);
}

static void
vz_popover_button_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (widget);
  int width = ICON_SIZE;
  int height = ICON_SIZE;

  if (self->text != NULL && self->width_chars >= 0)
    measure_chars (self, &width, &height);
  else if (self->text != NULL)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->text);

      pango_layout_get_pixel_size (layout, &width, &height);
    }
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? width : height;
}

static void
vz_popover_button_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (widget);

  if (self->popover != NULL)
    gtk_popover_present (self->popover);
}

static void
vz_popover_button_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->text != NULL)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, self->text);
      int text_width, text_height;
      GdkRGBA color;

      gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
      /* Longer than the width kept for it: cut short with an ellipsis. */
      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - text_width) / 2, (height - text_height) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &color);
      gtk_snapshot_restore (snapshot);
    }
  else if (self->icon_name != NULL)
    vz_gui_snapshot_icon (widget, snapshot, self->icon_name, ICON_SIZE, (width - ICON_SIZE) / 2, (height - ICON_SIZE) / 2);
}

/* ---- object ---- */

static void
vz_popover_button_dispose (GObject *object)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (object);

  if (self->popover != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->popover));
  self->popover = NULL;

  G_OBJECT_CLASS (vz_popover_button_parent_class)->dispose (object);
}

static void
vz_popover_button_finalize (GObject *object)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (object);

  g_free (self->text);
  g_free (self->icon_name);

  G_OBJECT_CLASS (vz_popover_button_parent_class)->finalize (object);
}

static void
vz_popover_button_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_WIDTH_CHARS:
      g_value_set_int (value, self->width_chars);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_popover_button_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  VzPopoverButton *self = VZ_POPOVER_BUTTON (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      vz_popover_button_set_text (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      vz_popover_button_set_icon_name (self, g_value_get_string (value));
      break;
    case PROP_WIDTH_CHARS:
      vz_popover_button_set_width_chars (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_popover_button_class_init (VzPopoverButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkButtonClass *button_class = GTK_BUTTON_CLASS (klass);

  object_class->dispose = vz_popover_button_dispose;
  object_class->finalize = vz_popover_button_finalize;
  object_class->get_property = vz_popover_button_get_property;
  object_class->set_property = vz_popover_button_set_property;
  widget_class->measure = vz_popover_button_measure;
  widget_class->size_allocate = vz_popover_button_size_allocate;
  widget_class->snapshot = vz_popover_button_snapshot;
  button_class->clicked = vz_popover_button_clicked;
  /* Styled as a flat button by style.css, by its own state only (see there). */
  gtk_widget_class_set_css_name (widget_class, "vz-popover-button");

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH_CHARS] =
    g_param_spec_int ("width-chars", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vz_popover_button_init (VzPopoverButton *self)
{
  self->width_chars = -1;
  /* Measured and allocated by the functions above: a button's own layout
   * lays out a child, and this one has none. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_HAS_POPUP, TRUE, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE, -1);
}

GtkWidget *
vz_popover_button_new (void)
{
  return g_object_new (VZ_TYPE_POPOVER_BUTTON, NULL);
}

const char *
vz_popover_button_get_text (VzPopoverButton *self)
{
  g_return_val_if_fail (VZ_IS_POPOVER_BUTTON (self), NULL);

  return self->text;
}

/* A text of the kept width is only drawn again, not measured. */
void
vz_popover_button_set_text (VzPopoverButton *self,
                            const char      *text)
{
  g_return_if_fail (VZ_IS_POPOVER_BUTTON (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  if (self->width_chars < 0 || (self->text == NULL) != (text == NULL))
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
  g_free (self->text);
  self->text = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
vz_popover_button_get_icon_name (VzPopoverButton *self)
{
  g_return_val_if_fail (VZ_IS_POPOVER_BUTTON (self), NULL);

  return self->icon_name;
}

void
vz_popover_button_set_icon_name (VzPopoverButton *self,
                                 const char      *icon_name)
{
  g_return_if_fail (VZ_IS_POPOVER_BUTTON (self));

  if (g_strcmp0 (self->icon_name, icon_name) == 0)
    return;
  g_free (self->icon_name);
  self->icon_name = g_strdup (icon_name);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}

int
vz_popover_button_get_width_chars (VzPopoverButton *self)
{
  g_return_val_if_fail (VZ_IS_POPOVER_BUTTON (self), -1);

  return self->width_chars;
}

void
vz_popover_button_set_width_chars (VzPopoverButton *self,
                                   int              width_chars)
{
  g_return_if_fail (VZ_IS_POPOVER_BUTTON (self));

  width_chars = MAX (width_chars, -1);
  if (self->width_chars == width_chars)
    return;
  self->width_chars = width_chars;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH_CHARS]);
}

/**
 * vz_popover_button_set_create_func:
 * @func: (nullable): makes the popover when it first opens
 */
void
vz_popover_button_set_create_func (VzPopoverButton           *self,
                                   VzPopoverButtonCreateFunc  func,
                                   gpointer                   user_data)
{
  g_return_if_fail (VZ_IS_POPOVER_BUTTON (self));

  self->create_func = func;
  self->create_data = user_data;
}

/**
 * vz_popover_button_get_popover:
 *
 * Returns: (transfer none) (nullable): the popover, NULL until it first
 *   opened
 */
GtkPopover *
vz_popover_button_get_popover (VzPopoverButton *self)
{
  g_return_val_if_fail (VZ_IS_POPOVER_BUTTON (self), NULL);

  return self->popover;
}

void
vz_popover_button_popup (VzPopoverButton *self)
{
  g_return_if_fail (VZ_IS_POPOVER_BUTTON (self));

  if (ensure_popover (self))
    gtk_popover_popup (self->popover);
}

void
vz_popover_button_popdown (VzPopoverButton *self)
{
  g_return_if_fail (VZ_IS_POPOVER_BUTTON (self));

  if (self->popover != NULL)
    gtk_popover_popdown (self->popover);
}
