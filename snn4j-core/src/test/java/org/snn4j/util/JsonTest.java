package org.snn4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTrip() {
        String text = "{\"a\": 1, \"b\": [1.5, -2e3, true, null], \"c\": {\"d\": \"x\\\"y\\n\"}}";
        Map<String, Object> m = Json.parseObject(text, "t");
        assertEquals(1L, m.get("a"));
        assertEquals(List.of(1.5, -2000.0, true), ((List<?>) m.get("b")).subList(0, 3));
        assertEquals("x\"y\n", ((Map<?, ?>) m.get("c")).get("d"));
        assertEquals(m, Json.parseObject(Json.pretty(m), "t"));
        assertEquals(m, Json.parseObject(Json.write(m), "t"));
    }

    @Test
    void malformedTextNamesLineAndColumn() {
        InputException e = assertThrows(InputException.class, () -> Json.parse("{\n  \"a\": 1,\n  \"b\" 2\n}", "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: malformed JSON at line 3"), e.getMessage());
        assertThrows(InputException.class, () -> Json.parse("{\"a\": 1} x", "t"));
        assertThrows(InputException.class, () -> Json.parse("{\"a\": 1, \"a\": 2}", "t"));
        assertThrows(InputException.class, () -> Json.parse("[1, 2", "t"));
        assertThrows(InputException.class, () -> Json.parseObject("[1]", "t"));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNull() {
        assertEquals("{\"x\":null,\"y\":2.0}", Json.write(new java.util.LinkedHashMap<>(Map.of("x", Double.NaN))).replace("}", ",\"y\":2.0}"));
    }

    @Test
    void deepNestingIsOneLineNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        org.snn4j.util.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.snn4j.util.InputException.class,
                () -> Json.parse(deep, "deep.json"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH), e.getMessage());
        String ok = "{\"a\":".repeat(Json.MAX_DEPTH - 1) + "1" + "}".repeat(Json.MAX_DEPTH - 1);
        org.junit.jupiter.api.Assertions.assertNotNull(Json.parse(ok, "ok.json"));
    }
}
