package org.m2mbridge.core.store;

class InMemoryDeliveryStoreTest extends DeliveryStoreContract {
    @Override
    DeliveryStore open(StoreBounds bounds) {
        return MapDeliveryStore.inMemory(JSON, bounds);
    }
}
