CREATE TABLE "actions" (
	"doc_name" text NOT NULL,
	"action_id" text NOT NULL,
	"case_id" uuid NOT NULL,
	"agency_id" uuid NOT NULL,
	"text" text NOT NULL,
	"due_on" date,
	"status" text NOT NULL,
	"status_note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone,
	"created_by" text,
	"projected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "actions_doc_name_action_id_pk" PRIMARY KEY("doc_name","action_id")
);
--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "actions" ADD CONSTRAINT "actions_agency_id_agencies_id_fk" FOREIGN KEY ("agency_id") REFERENCES "public"."agencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "actions_agency_status_due" ON "actions" USING btree ("agency_id","status","due_on");--> statement-breakpoint
CREATE INDEX "actions_case" ON "actions" USING btree ("case_id");