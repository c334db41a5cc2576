/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vz-test-monitor"

#include "vz-test-monitor.h"

struct _VzTestMonitor
{
  GObject  parent_instance;
  gboolean available;
};

static void vz_test_monitor_iface_init (GNetworkMonitorInterface *iface);
static void vz_test_monitor_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VzTestMonitor, vz_test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, vz_test_monitor_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, vz_test_monitor_iface_init))

enum { PROP_0, PROP_AVAILABLE, PROP_METERED, PROP_CONNECTIVITY };

static void
vz_test_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VzTestMonitor *self = VZ_TEST_MONITOR (object);

  switch (prop_id)
    {
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
vz_test_monitor_can_reach (GNetworkMonitor     *monitor,
                           GSocketConnectable  *connectable,
                           GCancellable        *cancellable,
                           GError             **error)
{
  return VZ_TEST_MONITOR (monitor)->available;
}

static gboolean
vz_test_monitor_initable_init_fn (GInitable     *initable,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return TRUE;
}

static void
vz_test_monitor_initable_init (GInitableIface *iface)
{
  iface->init = vz_test_monitor_initable_init_fn;
}

static void
vz_test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = vz_test_monitor_can_reach;
}

static void
vz_test_monitor_class_init (VzTestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vz_test_monitor_get_property;
  g_object_class_override_property (object_class, PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
vz_test_monitor_init (VzTestMonitor *self)
{
  self->available = TRUE;
}

VzTestMonitor *
vz_test_monitor_new (gboolean available)
{
  VzTestMonitor *self = g_object_new (VZ_TYPE_TEST_MONITOR, NULL);

  self->available = available;

  return self;
}

/*
 * Notifies and emits "network-changed" even when the value is unchanged: the
 * system's monitor does so on every route change, and the tests check that a
 * repeated "down" changes nothing.
 */
void
vz_test_monitor_set_available (VzTestMonitor *self,
                               gboolean       available)
{
  g_return_if_fail (VZ_IS_TEST_MONITOR (self));

  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}
