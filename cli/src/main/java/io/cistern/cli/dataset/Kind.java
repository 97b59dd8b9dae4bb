package io.cistern.cli.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cistern.cli.UsageException;
import io.cistern.cli.api.Json;
import io.cistern.cli.format.Dates;
import io.cistern.cli.format.NiceNum;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;

/**
 * The kinds of property value, each printed as zfs_prop_get prints it: JSON from the API to text,
 * and for {@code set}/{@code create -o} text from the command line to JSON.
 */
public enum Kind {
    /** Sizes: "5.24G", exact with -p. */
    BYTES(true, 5),
    /** A reservation: a size, or "none" when nothing is reserved (0 with -p). */
    RESERVATION(true, 5),
    /** Ratios: "1.76x", "1.76" with -p. */
    RATIO(true, 5),
    /** Times: "Mon Mar  4  9:05 2024", seconds since the epoch with -p. */
    DATE(true, 0),
    /** Plain numbers printed in full (guid). */
    COUNT(true, 0),
    /** on/off, a JSON boolean. */
    ON_OFF(false, 3),
    /** One of a set of words (compression=lz4, shareiscsi=on), a JSON string. */
    INDEX(false, 3),
    /** Free text (name, type, origin). */
    TEXT(false, 0);

    private final boolean rightAligned;
    private final int minWidth;

    Kind(boolean rightAligned, int minWidth) {
        this.rightAligned = rightAligned;
        this.minWidth = minWidth;
    }

    public boolean rightAligned() {
        return rightAligned;
    }

    /** zprop_width: the column's fixed width before any value is seen. */
    public int minWidth() {
        return minWidth;
    }

    /** The value as zfs prints it; "-" where ZFS has no value. */
    public String format(JsonNode value, boolean literal, ZoneId zone) {
        boolean none = value == null || value.isNull() || value.isMissingNode();
        if (this == RESERVATION && (none || value.isNumber() && value.asLong() == 0)) {
            return literal ? "0" : "none";
        }
        if (none) {
            return "-";
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? "on" : "off";
        }
        if (!value.isNumber() && this != DATE) {
            return value.asText();
        }
        return switch (this) {
            case BYTES, RESERVATION -> literal ? value.asText() : NiceNum.bytes(value.asLong());
            case RATIO -> value.decimalValue().setScale(2, RoundingMode.HALF_EVEN).toPlainString() + (literal ? "" : "x");
            case DATE -> literal ? Long.toString(Json.instant(value).getEpochSecond()) : Dates.creation(Json.instant(value), zone);
            default -> value.asText();
        };
    }

    /**
     * A value given on the command line, as the API takes it.
     *
     * @throws UsageException for a size or on/off that is not one
     */
    public JsonNode parse(String property, String text) {
        return switch (this) {
            case BYTES -> LongNode.valueOf(NiceNum.parse(text));
            case RESERVATION -> LongNode.valueOf(text.equals("none") ? 0 : NiceNum.parse(text));
            case ON_OFF -> switch (text) {
                case "on" -> BooleanNode.TRUE;
                case "off" -> BooleanNode.FALSE;
                default -> throw new UsageException("bad value '" + text + "' for property '" + property + "': must be 'on' or 'off'");
            };
            case RATIO -> new DecimalNode(new BigDecimal(text.replaceFirst("x$", "")));
            default -> TextNode.valueOf(text);
        };
    }
}
