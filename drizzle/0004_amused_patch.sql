CREATE TYPE "public"."transfer_status" AS ENUM('pending', 'accepted', 'declined', 'cancelled');--> statement-breakpoint
CREATE TABLE "case_transfers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"from_area_id" uuid NOT NULL,
	"to_area_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"status" "transfer_status" DEFAULT 'pending' NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decline_reason" text,
	"stub_case_id" uuid
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "transferred_to_area_id" uuid;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "transferred_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_from_area_id_areas_id_fk" FOREIGN KEY ("from_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_to_area_id_areas_id_fk" FOREIGN KEY ("to_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_stub_case_id_cases_id_fk" FOREIGN KEY ("stub_case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_transfers_case" ON "case_transfers" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_transfers_to_status" ON "case_transfers" USING btree ("to_area_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "case_transfers_one_pending" ON "case_transfers" USING btree ("case_id") WHERE "case_transfers"."status" = 'pending';--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_transferred_to_area_id_areas_id_fk" FOREIGN KEY ("transferred_to_area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;