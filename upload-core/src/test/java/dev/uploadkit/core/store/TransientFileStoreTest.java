package dev.uploadkit.core.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransientFileStoreTest extends AbstractFileStoreContractTest {

    @Override
    protected FileStore createStore(String id) {
        return JcloudsFileStore.inMemory(id);
    }

    @Test
    void twoInMemoryStoresShareNothing() {
        try (FileStore other = JcloudsFileStore.inMemory(STORE_ID)) {
            store.put("mine.txt", new ByteArrayInputStream(new byte[] {1}), null);

            assertEquals(Optional.empty(), other.size("mine.txt"));
        }
    }
}
