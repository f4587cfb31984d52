package dev.uploadkit.core.limits;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlansTest {

    @Test
    void theDefaultsAreTheSeedsPlansAndUnlimited() {
        Plans plans = Plans.defaults();
        assertEquals(Set.of("free", "starter", "pro", "unlimited"), plans.names());
        assertEquals(new Plan("free", 500, 10), plans.find("free").orElseThrow());
        assertEquals(new Plan("starter", 100_000, 100), plans.find("starter").orElseThrow());
        assertEquals(new Plan("pro", 1_000_000, 1_000), plans.find("pro").orElseThrow());
        assertTrue(plans.find("unlimited").orElseThrow().isUnlimited());
        assertFalse(plans.find("free").orElseThrow().isUnlimited());
        assertTrue(plans.find("gold").isEmpty());
    }

    @Test
    void hostPlansAddToOrReplaceTheDefaults() {
        Plans plans = Plans.defaultsWith(" business:5000000:5000 , free:1000:20,nightly:0:50");
        assertEquals(new Plan("business", 5_000_000, 5_000), plans.find("business").orElseThrow());
        assertEquals(new Plan("free", 1000, 20), plans.find("free").orElseThrow());
        assertEquals(new Plan("nightly", 0, 50), plans.find("nightly").orElseThrow());
        assertTrue(plans.find("pro").isPresent());
        assertEquals(Plans.defaults().names(), Plans.defaultsWith("").names());
    }

    @Test
    void badPlansAreRefusedWithTheTextAndTheForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plan.parse("business:5000"));
        assertTrue(e.getMessage().contains("business:5000") && e.getMessage().contains("name:monthly:burst"));
        assertThrows(IllegalArgumentException.class, () -> Plan.parse("business:lots:5"));
        assertThrows(IllegalArgumentException.class, () -> Plan.parse("Big Plan:1:1"));
        assertThrows(IllegalArgumentException.class, () -> new Plan("x", -1, 1));
    }
}
