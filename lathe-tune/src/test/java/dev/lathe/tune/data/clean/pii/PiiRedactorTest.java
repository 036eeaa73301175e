package dev.lathe.tune.data.clean.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PiiRedactorTest {
    private final PiiRedactor redactor = new PiiRedactor(PiiRegistry.withDefaults());

    private String redact(String s) {
        return redactor.redact(s).text();
    }

    @Test
    void emailAddressesBecomeAPlaceholder() {
        assertThat(redact("write to jane.doe+tag@mail.example.co.uk, please")).isEqualTo("write to {{EMAIL}}, please");
        assertThat(redact("not an address: a@b or @handle")).isEqualTo("not an address: a@b or @handle");
    }

    @Test
    void formattedPhoneNumbersAreRedactedButOrderNumbersAndDatesAreNot() {
        assertThat(redact("call +44 20 7946 0958 or (555) 123-4567 or 555.123.4567 or +14155550100"))
                .isEqualTo("call {{PHONE}} or {{PHONE}} or {{PHONE}} or {{PHONE}}");
        assertThat(redact("order 732201349959 shipped on 2024-01-31, 3 items"))
                .isEqualTo("order 732201349959 shipped on 2024-01-31, 3 items");
    }

    @Test
    void cardNumbersNeedABrandPrefixAndLengthAndLuhnSoOrderNumbersStay() {
        assertThat(redact("card 4111 1111 1111 1111 expires")).isEqualTo("card {{CARD_NUMBER}} expires");
        assertThat(redact("card 5555-5555-5555-4444.")).isEqualTo("card {{CARD_NUMBER}}.");
        assertThat(redact("card 4111 1111 1111 1112 expires")).isEqualTo("card 4111 1111 1111 1112 expires");
        assertThat(redact("short 79927398713")).as("Luhn-valid but 11 digits").isEqualTo("short 79927398713");
        // a Bitext order number passes Luhn, but no card brand issues 15-digit numbers starting with 11
        assertThat(redact("cancel purchase 113542617735902?")).isEqualTo("cancel purchase 113542617735902?");
        assertThat(redact("card 4111 1111 1111 1111 12/25")).isEqualTo("card {{CARD_NUMBER}} 12/25");
    }

    @Test
    void ibansAreRedactedOnlyWhenMod97Holds() {
        assertThat(redact("IBAN: GB82 WEST 1234 5698 7654 32.")).isEqualTo("IBAN: {{IBAN}}.");
        assertThat(redact("IBAN DE89370400440532013000")).isEqualTo("IBAN {{IBAN}}");
        PiiRedactor ibanOnly = new PiiRedactor(PiiRegistry.empty().register(BuiltinDetectors.iban()));
        assertThat(ibanOnly.redact("IBAN: GB82 WEST 1234 5698 7654 33.").text()).isEqualTo("IBAN: GB82 WEST 1234 5698 7654 33.");
        // the phone detector cannot tell the spaced digit groups left over from a phone number
        assertThat(redact("IBAN: GB82 WEST 1234 5698 7654 33.")).isEqualTo("IBAN: GB82 WEST {{PHONE}}.");
    }

    @Test
    void ipv4AndIpv6AddressesAreRedactedButTimesAndVersionsAreNot() {
        assertThat(redact("from 192.168.0.1 and 2001:db8::8a2e:370:7334 and ::1."))
                .isEqualTo("from {{IP_ADDRESS}} and {{IP_ADDRESS}} and {{IP_ADDRESS}}.");
        assertThat(redact("at 10:30:15 with v1.2.3 and 999.1.1.1")).isEqualTo("at 10:30:15 with v1.2.3 and 999.1.1.1");
    }

    @Test
    void bitextPlaceholdersAreLeftUntouchedAndRedactingTwiceChangesNothing() {
        String s = "Call {{Customer Support Phone Number}} about order {{Order Number}} or mail {{Email Address}}.";
        assertThat(redact(s)).isEqualTo(s);
        String once = redact("mail x@y.org, card 4111111111111111, order {{Order Number}}");
        assertThat(once).isEqualTo("mail {{EMAIL}}, card {{CARD_NUMBER}}, order {{Order Number}}");
        assertThat(redact(once)).isEqualTo(once);
    }

    @Test
    void countsArePerDetector() {
        assertThat(redactor.redact("a@b.com c@d.com 10.0.0.1").counts()).isEqualTo(Map.of("email", 2, "ipv4", 1));
    }

    @Test
    void detectorsArePluggableThroughTheRegistry() {
        PiiRegistry r = PiiRegistry.withDefaults().register(new RegexDetector("customer_id", "{{CUSTOMER_ID}}",
                Pattern.compile("ACME-\\d{6}"), s -> true)).remove("phone");
        PiiRedactor custom = new PiiRedactor(r);
        assertThat(custom.redact("id ACME-123456, phone 555-123-4567").text()).isEqualTo("id {{CUSTOMER_ID}}, phone 555-123-4567");
        assertThat(r.detectors()).extracting(PiiDetector::name).contains("customer_id").doesNotContain("phone");
        assertThatThrownBy(() -> r.register(BuiltinDetectors.email())).hasMessageContaining("'email' is already registered");
        assertThatThrownBy(() -> PiiRegistry.empty().remove("nope")).hasMessageContaining("no detector 'nope'");
        assertThat(new PiiRedactor(PiiRegistry.empty()).redact("a@b.com").text()).isEqualTo("a@b.com");
        assertThat(List.of(BuiltinDetectors.EMAIL, BuiltinDetectors.IP)).containsExactly("{{EMAIL}}", "{{IP_ADDRESS}}");
    }
}
