/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-banner"

#include "config.h"

#include "vz-banner.h"
#include "vz-gui.h"

struct _VzBanner
{
  GtkWidget    parent_instance;

  gboolean     warning;

  /* template children */
  GtkRevealer *revealer;
  GtkWidget   *box;
  GtkLabel    *title_label;
  GtkButton   *button;
};

G_DEFINE_FINAL_TYPE (VzBanner, vz_banner, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_BUTTON_LABEL,
  PROP_ACTION_NAME,
  PROP_REVEALED,
  PROP_WARNING,
  PROP_WRAP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_warning (VzBanner *self,
             gboolean  warning)
{
  warning = !!warning;
  if (self->warning == warning)
    return;
  self->warning = warning;
  if (warning)
    gtk_widget_add_css_class (self->box, "vz-strip-warning");
  else
    gtk_widget_remove_css_class (self->box, "vz-strip-warning");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING]);
}

/* A sentence that changes often (counts) is better kept to one line: a
 * wrapping label asks for its height at each width, and a new text then
 * lays out the whole page under the banner again. */
static void
set_wrap (VzBanner *self,
          gboolean  wrap)
{
  wrap = !!wrap;
  if (gtk_label_get_wrap (self->title_label) == wrap)
    return;
  gtk_label_set_wrap (self->title_label, wrap);
  gtk_label_set_ellipsize (self->title_label, wrap ? PANGO_ELLIPSIZE_NONE : PANGO_ELLIPSIZE_END);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRAP]);
}

static void
vz_banner_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VZ_TYPE_BANNER);

  G_OBJECT_CLASS (vz_banner_parent_class)->dispose (object);
}

static void
vz_banner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VzBanner *self = VZ_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, gtk_label_get_label (self->title_label));
      break;
    case PROP_BUTTON_LABEL:
      g_value_set_string (value, gtk_widget_get_visible (GTK_WIDGET (self->button)) ?
                                 gtk_button_get_label (self->button) : NULL);
      break;
    case PROP_ACTION_NAME:
      g_value_set_string (value, gtk_actionable_get_action_name (GTK_ACTIONABLE (self->button)));
      break;
    case PROP_REVEALED:
      g_value_set_boolean (value, vz_banner_get_revealed (self));
      break;
    case PROP_WARNING:
      g_value_set_boolean (value, self->warning);
      break;
    case PROP_WRAP:
      g_value_set_boolean (value, gtk_label_get_wrap (self->title_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_banner_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VzBanner *self = VZ_BANNER (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      vz_banner_set_title (self, g_value_get_string (value));
      break;
    case PROP_BUTTON_LABEL:
      vz_banner_set_button_label (self, g_value_get_string (value));
      break;
    case PROP_ACTION_NAME:
      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (self->button)), g_value_get_string (value)) != 0)
        {
          gtk_actionable_set_action_name (GTK_ACTIONABLE (self->button), g_value_get_string (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_REVEALED:
      vz_banner_set_revealed (self, g_value_get_boolean (value));
      break;
    case PROP_WARNING:
      set_warning (self, g_value_get_boolean (value));
      break;
    case PROP_WRAP:
      set_wrap (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vz_banner_class_init (VzBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  vz_gui_init ();

  object_class->dispose = vz_banner_dispose;
  object_class->get_property = vz_banner_get_property;
  object_class->set_property = vz_banner_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUTTON_LABEL] =
    g_param_spec_string ("button-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACTION_NAME] =
    g_param_spec_string ("action-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REVEALED] =
    g_param_spec_boolean ("revealed", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WARNING] =
    g_param_spec_boolean ("warning", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WRAP] =
    g_param_spec_boolean ("wrap", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/cloud/vizora/Desktop/vz-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, VzBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, VzBanner, box);
  gtk_widget_class_bind_template_child (widget_class, VzBanner, title_label);
  gtk_widget_class_bind_template_child (widget_class, VzBanner, button);
}

static void
vz_banner_init (VzBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vz_banner_new (void)
{
  return g_object_new (VZ_TYPE_BANNER, NULL);
}

const char *
vz_banner_get_title (VzBanner *self)
{
  g_return_val_if_fail (VZ_IS_BANNER (self), NULL);

  return gtk_label_get_label (self->title_label);
}

void
vz_banner_set_title (VzBanner   *self,
                     const char *title)
{
  g_return_if_fail (VZ_IS_BANNER (self));

  if (g_strcmp0 (gtk_label_get_label (self->title_label), title != NULL ? title : "") == 0)
    return;
  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
vz_banner_set_button_label (VzBanner   *self,
                            const char *label)
{
  gboolean show;

  g_return_if_fail (VZ_IS_BANNER (self));

  show = label != NULL && *label != '\0';
  if (show == gtk_widget_get_visible (GTK_WIDGET (self->button)) &&
      (!show || g_strcmp0 (gtk_button_get_label (self->button), label) == 0))
    return;
  if (show)
    gtk_button_set_label (self->button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->button), show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUTTON_LABEL]);
}

gboolean
vz_banner_get_revealed (VzBanner *self)
{
  g_return_val_if_fail (VZ_IS_BANNER (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

void
vz_banner_set_revealed (VzBanner *self,
                        gboolean  revealed)
{
  g_return_if_fail (VZ_IS_BANNER (self));

  revealed = !!revealed;
  if (revealed == gtk_revealer_get_reveal_child (self->revealer))
    return;
  gtk_revealer_set_reveal_child (self->revealer, revealed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
}
