/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "vz-gui.h"
#include "vz-gui-resources.h"
#include "vz-window.h"

void
vz_gui_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      vz_gui_register_resource ();

      /* AdwApplication loads style.css from its resource base path by itself;
       * without an application (tests, previews) load it here so widgets
       * look the same. */
      if (g_application_get_default () == NULL && gdk_display_get_default () != NULL)
        {
          g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

          gtk_css_provider_load_from_resource (provider, "/cloud/vizora/Desktop/style.css");
          gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                      GTK_STYLE_PROVIDER (provider),
                                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
        }
      g_once_init_leave (&initialized, 1);
    }
}

void
vz_gui_toast (GtkWidget  *widget,
              const char *title)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (VZ_IS_WINDOW (root))
    vz_window_show_toast (VZ_WINDOW (root), title);
}

char *
vz_gui_format_relative_time (GDateTime *when,
                             gint64     now_us)
{
  gint64 diff;

  if (when == NULL)
    return g_strdup (_("Never"));

  diff = (now_us - g_date_time_to_unix (when) * G_USEC_PER_SEC) / G_USEC_PER_SEC;

  /* A screen's clock may run a little ahead of ours: treat that as now. */
  if (diff < 60)
    return g_strdup (_("just now"));
  if (diff < 3600)
    {
      int minutes = (int) (diff / 60);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute ago", "%d minutes ago", minutes), minutes);
    }
  if (diff < 86400)
    {
      int hours = (int) (diff / 3600);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour ago", "%d hours ago", hours), hours);
    }
  if (diff < 86400 * 30)
    {
      int days = (int) (diff / 86400);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago", days), days);
    }
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (when);
    /* Translators: a date, e.g. "Mar 3, 2026" */
    return g_date_time_format (local, _("%b %-d, %Y"));
  }
}
