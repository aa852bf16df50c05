package org.m2mbridge.core.store;

import org.m2mbridge.core.bus.DeliveryStore;

class InMemoryDeliveryStoreTest extends DeliveryStoreContract {
    @Override
    DeliveryStore open(StoreBounds bounds) {
        return MapDeliveryStore.inMemory(JSON, bounds);
    }
}
