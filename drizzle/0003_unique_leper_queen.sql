CREATE TABLE "pathways" (
	"case_id" uuid PRIMARY KEY NOT NULL,
	"fields" jsonb NOT NULL,
	"appointments" jsonb NOT NULL,
	"stage" text NOT NULL,
	"interpreter_language" text,
	"projected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pathways" ADD CONSTRAINT "pathways_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pathways_stage" ON "pathways" USING btree ("stage");