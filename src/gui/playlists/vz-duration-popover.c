/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-duration-popover"

#include "config.h"

#include "vz-duration-popover.h"

struct _VzDurationPopover
{
  GtkPopover     parent_instance;

  gboolean       updating;   /* the value follows the item, not the person */

  /* template children */
  GtkSpinButton *spin_button;
};

G_DEFINE_FINAL_TYPE (VzDurationPopover, vz_duration_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_SECONDS,
  N_PROPS
};

enum {
  SIGNAL_CHOSEN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_value_changed (VzDurationPopover *self)
{
  g_assert (VZ_IS_DURATION_POPOVER (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS]);
  if (!self->updating)
    g_signal_emit (self, signals[SIGNAL_CHOSEN], 0, vz_duration_popover_get_seconds (self));
}

/* Enter: the value typed is taken (the spin button reads its text before
 * this), and the popover closes. */
static void
on_activate (VzDurationPopover *self)
{
  g_assert (VZ_IS_DURATION_POPOVER (self));

  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
vz_duration_popover_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_DURATION_POPOVER);

  G_OBJECT_CLASS (vz_duration_popover_parent_class)->dispose (object);
}

static void
vz_duration_popover_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  VzDurationPopover *self = VZ_DURATION_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SECONDS:
      g_value_set_uint (value, vz_duration_popover_get_seconds (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_duration_popover_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  VzDurationPopover *self = VZ_DURATION_POPOVER (object);

  switch (prop_id)
    {
    case PROP_SECONDS:
      vz_duration_popover_set_seconds (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_duration_popover_class_init (VzDurationPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vz_duration_popover_dispose;
  object_class->get_property = vz_duration_popover_get_property;
  object_class->set_property = vz_duration_popover_set_property;

  properties[PROP_SECONDS] =
    g_param_spec_uint ("seconds", NULL, NULL, 1, 86400, 10,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHOSEN] =
    g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-duration-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, VzDurationPopover, spin_button);
  gtk_widget_class_bind_template_callback (widget_class, on_value_changed);
}

static void
vz_duration_popover_init (VzDurationPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GTK 4.8's spin button has no "activate" of its own: its text has. */
  g_signal_connect_object (gtk_editable_get_delegate (GTK_EDITABLE (self->spin_button)), "activate",
                           G_CALLBACK (on_activate), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}

GtkWidget *
vz_duration_popover_new (void)
{
  return g_object_new (VZ_TYPE_DURATION_POPOVER, NULL);
}

guint
vz_duration_popover_get_seconds (VzDurationPopover *self)
{
  g_return_val_if_fail (VZ_IS_DURATION_POPOVER (self), 0);

  return (guint) gtk_spin_button_get_value_as_int (self->spin_button);
}

void
vz_duration_popover_set_seconds (VzDurationPopover *self,
                                 guint              seconds)
{
  g_return_if_fail (VZ_IS_DURATION_POPOVER (self));

  self->updating = TRUE;
  gtk_spin_button_set_value (self->spin_button, CLAMP (seconds, 1, 86400));
  self->updating = FALSE;
}

/**
 * vz_duration_popover_get_spin_button:
 *
 * Returns: (transfer none): the spin button the seconds are typed in
 */
GtkSpinButton *
vz_duration_popover_get_spin_button (VzDurationPopover *self)
{
  g_return_val_if_fail (VZ_IS_DURATION_POPOVER (self), NULL);

  return self->spin_button;
}
