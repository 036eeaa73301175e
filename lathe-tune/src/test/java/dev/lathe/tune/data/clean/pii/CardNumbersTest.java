package dev.lathe.tune.data.clean.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CardNumbersTest {

    /** Test numbers the payment processors publish (Stripe, PayPal/Braintree, Adyen, Ingenico), by brand. */
    private static final Map<String, String[]> PUBLISHED = Map.of(
            "Visa", new String[] {"4111111111111111", "4012888888881881", "4222222222222", "4000056655665556"},
            "Mastercard", new String[] {"5555555555554444", "5105105105105100", "2223003122003222",
                "2222400070000005"},
            "American Express", new String[] {"378282246310005", "371449635398431", "378734493671000"},
            "Discover", new String[] {"6011111111111117", "6011000990139424", "6011001122111117"},
            "JCB", new String[] {"3530111333300000", "3566002020360505", "3530142019955809"},
            "Diners Club", new String[] {"30569309025904", "38520000023237", "36227206271667", "3056930009020004",
                "38555565010005"},
            "UnionPay", new String[] {"6200000000000005", "6205500000000000004"},
            "Maestro", new String[] {"6759649826438453", "6304939304310009610"});

    @Test
    void everyPublishedTestNumberIsACardOfItsBrand() {
        PUBLISHED.forEach((brand, numbers) -> {
            for (String n : numbers) {
                assertThat(CardNumbers.plausible(n)).as(brand + " " + n).isTrue();
                assertThat(CardNumbers.brandOf(n)).as(n).hasValueSatisfying(b -> assertThat(b.name()).isEqualTo(brand));
            }
        });
    }

    @Test
    void printedGroupingsAreAcceptedWithOneKindOfSeparator() {
        assertThat(CardNumbers.plausible("4111 1111 1111 1111")).isTrue();
        assertThat(CardNumbers.plausible("4111-1111-1111-1111")).isTrue();
        assertThat(CardNumbers.plausible("3782 822463 10005")).as("Amex 4-6-5").isTrue();
        assertThat(CardNumbers.plausible("3056 930902 5904")).as("Diners 4-6-4").isTrue();
        assertThat(CardNumbers.plausible("6205 5000 0000 0000 004")).as("19 digits 4-4-4-4-3").isTrue();
        assertThat(CardNumbers.plausible("4111-1111 1111-1111")).as("mixed separators").isFalse();
        assertThat(CardNumbers.plausible("41 11111 1111 11111")).as("not a card's grouping").isFalse();
    }

    @Test
    void luhnValidRunsOutsideTheIssuerRangesOrLengthsAreNotCards() {
        assertThat(CardNumbers.plausible("113542617735902")).as("Bitext order number").isFalse();
        assertThat(CardNumbers.plausible("1234567812345670")).as("no brand starts with 1").isFalse();
        assertThat(CardNumbers.plausible("411111111111116")).as("Visa has no 15-digit numbers").isFalse();
        assertThat(CardNumbers.plausible("5105105105105100")).isTrue();
        assertThat(CardNumbers.plausible("5605105105105105")).as("56 is no Mastercard range").isFalse();
        assertThat(CardNumbers.plausible("2721000000000004")).as("just past Mastercard's 2-series").isFalse();
        assertThat(CardNumbers.plausible("4111111111111112")).as("Luhn fails").isFalse();
    }

    @Test
    void theDetectorFindsCardsInTextAndStopsAtTheCardWhenDigitsFollow() {
        PiiDetector cards = CardNumbers.detector("payment_card", "{{CARD_NUMBER}}");
        String text = "pay 3782 822463 10005 or 4111 1111 1111 1111 12/25, not order 113542617735902";
        assertThat(cards.find(text)).extracting(s -> text.substring(s.start(), s.end()))
                .containsExactly("3782 822463 10005", "4111 1111 1111 1111");
    }
}
